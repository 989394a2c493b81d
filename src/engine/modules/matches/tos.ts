// -m tos --tos value[/mask] or a name: the IPv4 TOS byte (libxt_tos, revision 1).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { not, parseUint } from '../values';

/// The RFC 1349 names; a name compares the 0x3f bits, a number all eight unless a mask is given.
export const TOS_NAMES: Record<string, number> = {
  'Minimize-Delay': 0x10, 'Maximize-Throughput': 0x08, 'Maximize-Reliability': 0x04, 'Minimize-Cost': 0x02, 'Normal-Service': 0x00,
};

export function parseTos(v: string): { value: number; mask: number } {
  const name = Object.keys(TOS_NAMES).find((n) => n.toLowerCase() === v.toLowerCase());
  if (name) return { value: TOS_NAMES[name], mask: 0x3f };
  const [a, b] = v.split('/');
  return { value: parseUint(a, 0xff, 'TOS value'), mask: b === undefined ? 0xff : parseUint(b, 0xff, 'TOS mask') };
}

export interface TosOptions {
  value: number;
  mask: number;
  inv: boolean;
}

const hex2 = (n: number) => '0x' + n.toString(16).padStart(2, '0');

export const tos: MatchModule<TosOptions> = {
  kind: 'match',
  name: 'tos',
  help: 'Match the TOS byte: value[/mask], or a name such as Minimize-Delay.',
  simulated: true,
  options: [{ name: 'tos', invert: true, values: Object.keys(TOS_NAMES), parse: ([v]) => parseTos(v), help: 'value[/mask] or a symbolic name.' }],
  finalize(p) {
    if (!p.tos) throw new OptionError('tos match: option "--tos" must be specified');
    return { ...p.tos.value, inv: p.tos.inv };
  },
  match: (pkt, o) => ((pkt.tos & o.mask) === o.value) !== o.inv,
  explain: (pkt, o) => `TOS ${hex2(pkt.tos)} ${o.inv ? 'matches' : 'does not match'} ${hex2(o.value)}/${hex2(o.mask)}`,
  space(o) {
    const s: Space = { field: 'tos', value: o.value, mask: o.mask };
    return o.inv ? { not: s } : s;
  },
  save: (o) => `${not(o.inv)}--tos ${hex2(o.value)}/${hex2(o.mask)}`,
  list: (o) => `tos match${o.inv ? '!' : ''}${hex2(o.value)}/${hex2(o.mask)}`,
  // nft 1.0.6 has ip dscp and ip ecn but no TOS byte: the raw header byte compares under any mask.
  xlate: (o) => ({
    nft: `@nh,8,8 ${o.mask === 0xff ? '' : `& ${hex2(o.mask)} `}${o.inv ? '!= ' : o.mask === 0xff ? '' : '== '}${hex2(o.value)}`,
    note: 'iptables-translate 1.8.9 leaves -m tos untranslated',
  }),
};
