// -m ttl: the IPv4 time-to-live (libipt_ttl).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { parseUint } from '../values';

export interface TtlOptions {
  op: 'eq' | 'ne' | 'lt' | 'gt';
  value: number;
}

const SYMBOL = { eq: '==', ne: '!=', lt: '<', gt: '>' } as const;
const ttlValue = ([v]: string[]) => parseUint(v, 255, 'TTL value');

export const ttl: MatchModule<TtlOptions> = {
  kind: 'match',
  name: 'ttl',
  help: 'Match the time-to-live field.',
  simulated: true,
  options: [
    { name: 'ttl-eq', aliases: ['ttl'], invert: true, parse: ttlValue, help: 'TTL equals the value.' },
    { name: 'ttl-lt', parse: ttlValue, help: 'TTL is less than the value.' },
    { name: 'ttl-gt', parse: ttlValue, help: 'TTL is greater than the value.' },
  ],
  finalize(p) {
    const given = (['ttl-eq', 'ttl-lt', 'ttl-gt'] as const).filter((k) => p[k]);
    if (given.length !== 1) throw new OptionError('ttl: exactly one of --ttl-eq, --ttl-lt, --ttl-gt must be given');
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
