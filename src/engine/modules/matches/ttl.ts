// -m ttl: the IPv4 time-to-live (libipt_ttl).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';

export interface TtlOptions {
  op: 'eq' | 'ne' | 'lt' | 'gt';
  value: number;
}

const SYMBOL = { eq: '==', ne: '!=', lt: '<', gt: '>' } as const;
const ttlValue = (name: string) => ([v]: string[]) => {
  if (!/^(0[xX][0-9a-fA-F]+|\d+)$/.test(v) || Number(v) > 255) throw new OptionError(`ttl: bad value for option "--${name}", or out of range (0-255).`);
  return Number(v);
};

export const ttl: MatchModule<TtlOptions> = {
  kind: 'match',
  name: 'ttl',
  help: 'Match the time-to-live field.',
  simulated: true,
  options: [
    { name: 'ttl-eq', aliases: ['ttl'], invert: true, parse: ttlValue('ttl-eq'), help: 'TTL equals the value.' },
    { name: 'ttl-lt', parse: ttlValue('ttl-lt'), help: 'TTL is less than the value.' },
    { name: 'ttl-gt', parse: ttlValue('ttl-gt'), help: 'TTL is greater than the value.' },
  ],
  finalize(p) {
    const given = (['ttl-eq', 'ttl-lt', 'ttl-gt'] as const).filter((k) => p[k]);
    if (given.length === 0) throw new OptionError("TTL match: You must specify one of `--ttl-eq', `--ttl-lt', `--ttl-gt");
    // iptables names --ttl-lt or --ttl-gt (they exclude the others) first, then the first other one set.
    if (given.length > 1) {
      const first = given.find((k) => k !== 'ttl-eq')!;
      throw new OptionError(`ttl: option "--${first}" cannot be used together with "--${given.find((k) => k !== first)}".`);
    }
    const k = given[0], o = p[k]!;
    return { op: k === 'ttl-eq' ? (o.inv ? 'ne' : 'eq') : k === 'ttl-lt' ? 'lt' : 'gt', value: o.value };
  },
  match(pkt, o) {
    switch (o.op) {
      case 'eq': return pkt.ttl === o.value;
      case 'ne': return pkt.ttl !== o.value;
      case 'lt': return pkt.ttl < o.value;
      case 'gt': return pkt.ttl > o.value;
    }
  },
  explain: (pkt, o) => `TTL ${pkt.ttl} is not ${SYMBOL[o.op]} ${o.value}`,
  space(o) {
    const v = o.value;
    const r = o.op === 'eq' || o.op === 'ne' ? { min: v, max: v } : o.op === 'lt' ? { min: 0, max: v - 1 } : { min: v + 1, max: 255 };
    const s: Space = { field: 'ttl', ranges: [r] };
    return o.op === 'ne' ? { not: s } : s;
  },
  save: (o) => (o.op === 'ne' ? `! --ttl-eq ${o.value}` : `--ttl-${o.op} ${o.value}`),
  list: (o) => `TTL match TTL ${SYMBOL[o.op]} ${o.value}`,
  // iptables-translate's words for the comparisons (nft reads both).
  xlate: (o) => ({ nft: `ip ttl ${o.op === 'eq' ? '' : o.op === 'ne' ? '!= ' : `${o.op} `}${o.value}` }),
};
