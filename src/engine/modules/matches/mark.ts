// -m mark --mark value[/mask]: the packet's mark (libxt_mark).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { hex, not } from '../values';

export interface MarkOptions {
  value: number;
  mask: number;
  inv: boolean;
}

/// `0x5` or `0x5/0xff`, as iptables prints a mark and mask.
export function formatMark(o: { value: number; mask: number }): string {
  return o.mask === 0xffffffff ? hex(o.value) : `${hex(o.value)}/${hex(o.mask)}`;
}

/// `value[/mask]` with the module's own error wording ("mark: bad integer value for option ...").
export function parseMarkArg(module: string, text: string): { value: number; mask: number } {
  const num = (t: string) => {
    if (!/^(0x[0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.test(t) || Number(t.startsWith('0') && !t.startsWith('0x') && t.length > 1 ? parseInt(t, 8) : t) > 0xffffffff)
      throw new OptionError(`${module}: bad integer value for option "--mark", or out of range.`);
    return t.startsWith('0') && !t.startsWith('0x') && t.length > 1 ? parseInt(t, 8) : Number(t);
  };
  const [v, m, extra] = text.split('/');
  if (extra !== undefined) throw new OptionError(`${module}: trailing garbage after value for option "--mark".`);
  return { value: num(v), mask: m === undefined ? 0xffffffff : num(m) };
}

export const markTest = (mark: number, o: MarkOptions) => (((mark & o.mask) >>> 0) === o.value) !== o.inv;

export const mark: MatchModule<MarkOptions> = {
  kind: 'match',
  name: 'mark',
  help: 'Match the packet mark (set by -j MARK, or restored from the connection by CONNMARK).',
  simulated: true,
  options: [{ name: 'mark', invert: true, parse: ([v]) => parseMarkArg('mark', v), help: 'value[/mask]: the mark, ANDed with mask, equals value.' }],
  finalize(p) {
    if (!p.mark) throw new OptionError('mark match: option "--mark" must be specified');
    return { ...p.mark.value, inv: p.mark.inv };
  },
  match: (pkt, o) => markTest(pkt.mark, o),
  explain: (pkt, o) => `mark ${hex(pkt.mark)} ${o.inv ? 'matches' : 'does not match'} ${formatMark(o)}`,
  space(o) {
    const s: Space = { field: 'mark', value: o.value, mask: o.mask };
    return o.inv ? { not: s } : s;
  },
  save: (o) => `${not(o.inv)}--mark ${formatMark(o)}`,
  list: (o) => `mark match ${not(o.inv)}${formatMark(o)}`,
  // iptables-translate writes the legacy `mark`; nft -o lists `meta mark`.
  xlate(o, ctx) {
    const k = ctx?.flavour === 'idiomatic' ? 'meta mark' : 'mark';
    return { nft: o.mask === 0xffffffff ? `${k} ${o.inv ? '!= ' : ''}${hex(o.value)}` : `${k} and ${hex(o.mask)} ${o.inv ? '!=' : '=='} ${hex(o.value)}` };
  },
};
