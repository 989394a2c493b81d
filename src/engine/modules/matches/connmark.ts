// -m connmark --mark value[/mask]: the mark of the packet's connection (libxt_connmark).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { hex, not } from '../values';
import { formatMark, markTest, parseMarkArg, type MarkOptions } from './mark';

export const connmark: MatchModule<MarkOptions> = {
  kind: 'match',
  name: 'connmark',
  help: "Match the connection's mark (set by -j CONNMARK).",
  simulated: true,
  options: [{ name: 'mark', invert: true, parse: ([v]) => parseMarkArg('connmark', v), help: "value[/mask]: the connection's mark, ANDed with mask, equals value." }],
  finalize(p) {
    if (!p.mark) throw new OptionError('connmark match: option "--mark" must be specified');
    return { ...p.mark.value, inv: p.mark.inv };
  },
  // No connection, no mark to compare: the kernel's match fails whatever the inversion.
  match: (_pkt, o, ctx) => ctx.ct !== null && markTest(ctx.ct.mark, o),
  explain: (_pkt, o, ctx) => (ctx.ct ? `connection mark ${hex(ctx.ct.mark)} ${o.inv ? 'matches' : 'does not match'} ${formatMark(o)}` : 'the packet has no connection'),
  // Only packets with a connection can match, inverted or not.
  space(o) {
    const s: Space = { field: 'connmark', value: o.value, mask: o.mask };
    return { all: [{ field: 'ctstate', states: ['NEW', 'RELATED', 'ESTABLISHED'] }, o.inv ? { not: s } : s] };
  },
  save: (o) => `${not(o.inv)}--mark ${formatMark(o)}`,
  // iptables prints two spaces when not negated: "connmark match  0x5/0xff".
  list: (o) => `connmark match ${o.inv ? '!' : ''} ${formatMark(o)}`,
  xlate: (o) => ({ nft: o.mask === 0xffffffff ? `ct mark ${o.inv ? '!= ' : ''}${hex(o.value)}` : `ct mark and ${hex(o.mask)} ${o.inv ? '!=' : '=='} ${hex(o.value)}` }),
};
