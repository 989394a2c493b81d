// -m length --length: the IP packet's total length (libxt_length).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { formatRange, inRange, not, parseUint, type Range } from '../values';

export interface LengthOptions {
  range: Range;
  inv: boolean;
}

export const length: MatchModule<LengthOptions> = {
  kind: 'match',
  name: 'length',
  help: 'Match the total length of the IP packet, a value or a range min:max.',
  simulated: true,
  options: [{
    name: 'length', invert: true, help: 'Length in bytes, or a range min:max.',
    parse: ([v]) => {
      const [a, b] = v.split(':');
      const min = a === '' ? 0 : parseUint(a, 0xffff, 'length'), max = b === undefined ? min : b === '' ? 0xffff : parseUint(b, 0xffff, 'length');
      if (min > max) throw new OptionError(`length range \`${v}' is reversed`);
      return { min, max };
    },
  }],
  finalize(p) {
    if (!p.length) throw new OptionError('length match: option "--length" must be specified');
    return { range: p.length.value, inv: p.length.inv };
  },
  match: (pkt, o) => inRange(pkt.length, o.range) !== o.inv,
  explain: (pkt, o) => `length ${pkt.length} is ${o.inv ? '' : 'not '}${o.range.min === o.range.max ? '' : 'in '}${formatRange(o.range)}`,
  space(o) {
    const s: Space = { field: 'length', ranges: [o.range] };
    return o.inv ? { not: s } : s;
  },
  save: (o) => `${not(o.inv)}--length ${formatRange(o.range)}`,
  list: (o) => `length ${o.inv ? '!' : ''}${formatRange(o.range)}`,
  // At the IPv4 hooks the packet's length (meta length) is the IP total length.
  xlate: (o) => ({ nft: `meta length ${o.inv ? '!= ' : ''}${formatRange(o.range, '-')}` }),
};
