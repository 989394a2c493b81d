// -m tcpmss --mss value[:value]: the MSS option of a TCP SYN (xt_tcpmss). A segment without the
// option only matches the negated form.
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { formatRange, inRange, not, parseUint, type Range } from '../values';

export interface TcpmssOptions {
  range: Range;
  inv: boolean;
}

export const tcpmss: MatchModule<TcpmssOptions> = {
  kind: 'match',
  name: 'tcpmss',
  help: 'Match the MSS option of TCP SYN segments. Needs -p tcp.',
  simulated: true,
  options: [{
    name: 'mss', invert: true, help: 'An MSS value or range min:max.',
    parse: ([v]) => {
      const [a, b] = v.split(':');
      const min = parseUint(a, 0xffff, 'MSS'), max = b === undefined ? min : parseUint(b, 0xffff, 'MSS');
      if (min > max) throw new OptionError(`tcpmss: reversed range "${v}"`);
      return { min, max };
    },
  }],
  finalize(p, rule) {
    if (rule.proto !== 6 || rule.protoInv) throw new OptionError('tcpmss match: only valid for protocol 6 (use -p tcp)');
    if (!p.mss) throw new OptionError('tcpmss match: option "--mss" must be specified');
    return { range: p.mss.value, inv: p.mss.inv };
  },
  match: (pkt, o) => (pkt.mss === null ? o.inv : inRange(pkt.mss, o.range) !== o.inv),
  explain: (pkt, o) => (pkt.mss === null ? 'no MSS option' : `MSS ${pkt.mss} is ${o.inv ? '' : 'not '}${formatRange(o.range)}`),
  // `mss` 65536 stands for a segment without the option: only the negated form matches it.
  space: (o) => {
    const s: Space = { field: 'mss', ranges: [o.range] };
    return o.inv ? { not: s } : s;
  },
  save: (o) => `${not(o.inv)}--mss ${formatRange(o.range)}`,
  list: (o) => `tcpmss match ${o.inv ? '!' : ''}${formatRange(o.range)}`,
  // `! --mss` also matches a segment with no MSS option, which nft's `tcp option maxseg size !=` never does.
  xlate: (o, ctx) => ctx?.flavour === 'idiomatic' && o.inv
    ? { untranslatable: '! --mss also matches segments without an MSS option; nft\'s tcp option maxseg size != never matches those' }
    : { nft: `tcp option maxseg size ${o.inv ? '!= ' : ''}${formatRange(o.range, '-')}` },
};
