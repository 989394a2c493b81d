// -m tos --tos value[/mask] or a name: the IPv4 TOS byte (libxt_tos, revision 1).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { hex2, not } from '../values';

/// The RFC 1349 names; a name compares the 0x3f bits, a number all eight unless a mask is given.
export const TOS_NAMES: Record<string, number> = {
  'Minimize-Delay': 0x10, 'Maximize-Throughput': 0x08, 'Maximize-Reliability': 0x04, 'Minimize-Cost': 0x02, 'Normal-Service': 0x00,
};

/// A name, or value[/mask] (numbers as C reads them: 0x hex, leading 0 octal). iptables' messages: a word
/// that is not a number is an unknown name; a bad number after the first is an illegal value.
export function parseTos(v: string): { value: number; mask: number } {
  const name = Object.keys(TOS_NAMES).find((n) => n.toLowerCase() === v.toLowerCase());
  if (name) return { value: TOS_NAMES[name], mask: 0x3f };
  const num = (t: string | undefined) =>
    t !== undefined && /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.test(t) ? (/^0[xX]/.test(t) ? parseInt(t, 16) : /^0/.test(t) ? parseInt(t, 8) : Number(t)) : null;
  const i = v.indexOf('/');
  const value = num(i < 0 ? v : v.slice(0, i));
  if (value === null || value > 0xff) {
    if (i < 0) throw new OptionError(`Symbolic name "${v}" is unknown`);
    throw new OptionError(`Illegal value: "${v}"`);
  }
  if (i < 0) return { value, mask: 0xff };
  const mask = num(v.slice(i + 1));
  if (mask === null || mask > 0xff) throw new OptionError(`Illegal value: "${v}"`);
  return { value, mask };
}

export interface TosOptions {
  value: number;
  mask: number;
  inv: boolean;
}

export const tos: MatchModule<TosOptions> = {
  kind: 'match',
  name: 'tos',
  help: 'Match the TOS byte: value[/mask], or a name such as Minimize-Delay.',
  simulated: true,
  options: [{ name: 'tos', invert: true, values: Object.keys(TOS_NAMES), parse: ([v]) => parseTos(v), help: 'value[/mask] or a symbolic name.' }],
  finalize(p) {
    if (!p.tos) throw new OptionError('tos: option "--tos" must be specified');
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
