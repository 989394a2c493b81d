// -m mark --mark value[/mask]: the packet's mark (libxt_mark).
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { hex, not, parseMark } from '../values';

export interface MarkOptions {
  value: number;
  mask: number;
  inv: boolean;
}

/// `0x5` or `0x5/0xff`, as iptables prints a mark and mask.
export function formatMark(o: { value: number; mask: number }): string {
  return o.mask === 0xffffffff ? hex(o.value) : `${hex(o.value)}/${hex(o.mask)}`;
}

export const markTest = (mark: number, o: MarkOptions) => (((mark & o.mask) >>> 0) === o.value) !== o.inv;

export const mark: MatchModule<MarkOptions> = {
  kind: 'match',
  name: 'mark',
  help: 'Match the packet mark (set by -j MARK, or restored from the connection by CONNMARK).',
  simulated: true,
  options: [{ name: 'mark', invert: true, parse: ([v]) => parseMark(v), help: 'value[/mask]: the mark, ANDed with mask, equals value.' }],
  finalize(p) {
    if (!p.mark) throw new OptionError('mark match: option "--mark" must be specified');
    return { ...p.mark.value, inv: p.mark.inv };
  },
  match: (pkt, o) => markTest(pkt.mark, o),
  explain: (pkt, o) => `mark ${hex(pkt.mark)} ${o.inv ? 'matches' : 'does not match'} ${formatMark(o)}`,
  save: (o) => `${not(o.inv)}--mark ${formatMark(o)}`,
  list: (o) => `mark match ${not(o.inv)}${formatMark(o)}`,
  xlate: (o) => ({ nft: o.mask === 0xffffffff ? `mark ${o.inv ? '!= ' : ''}${hex(o.value)}` : `mark and ${hex(o.mask)} ${o.inv ? '!=' : '=='} ${hex(o.value)}` }),
};
