// -j TTL: set, decrement or increment the IPv4 TTL (libxt_TTL). mangle only.
import type { TargetModule } from '../types';
import { OptionError } from '../types';

export interface TtlOptions {
  op: 'set' | 'dec' | 'inc';
  value: number;
}

function ttlValue(name: string, min: number) {
  return ([v]: string[]) => {
    if (!/^\d+$/.test(v) || Number(v) > 255 || Number(v) < min)
      throw new OptionError(`TTL: bad value for option "--${name}", or out of range (${min}-255).`);
    return Number(v);
  };
}

export const ttl: TargetModule<TtlOptions> = {
  kind: 'target',
  name: 'TTL',
  help: 'Change the TTL: --ttl-set N, --ttl-dec N, --ttl-inc N.',
  simulated: true,
  tables: ['mangle'],
  options: [
    { name: 'ttl-set', parse: ttlValue('ttl-set', 0), help: 'Set the TTL to this value.' },
    { name: 'ttl-dec', parse: ttlValue('ttl-dec', 1), help: 'Decrement the TTL by this much (not below 0).' },
    { name: 'ttl-inc', parse: ttlValue('ttl-inc', 1), help: 'Increment the TTL by this much (not above 255).' },
  ],
  finalize(p) {
    const ops = (['ttl-set', 'ttl-dec', 'ttl-inc'] as const).filter((n) => p[n]);
    if (ops.length > 1) throw new OptionError(`TTL: option "--${ops[0]}" cannot be used together with "--${ops[1]}".`);
    if (!ops.length) throw new OptionError('TTL: You must specify an action');
    return { op: ops[0].slice(4) as TtlOptions['op'], value: p[ops[0]]!.value };
  },
  apply(pkt, o) {
    if (o.op === 'set') pkt.ttl = o.value;
    else if (o.op === 'dec') pkt.ttl = Math.max(0, pkt.ttl - o.value);
    else pkt.ttl = Math.min(255, pkt.ttl + o.value);
    return 'CONTINUE';
  },
  save: (o) => `--ttl-${o.op} ${o.value}`,
  list: (o) => `TTL ${o.op === 'set' ? 'set to' : o.op === 'dec' ? 'decrement by' : 'increment by'} ${o.value}`,
  xlate: (o) => (o.op === 'set'
    ? { nft: `ip ttl set ${o.value}`, note: 'iptables-translate 1.8.9 leaves -j TTL untranslated' }
    : { untranslatable: 'nftables cannot add to or subtract from the TTL' }),
};
