// -m length --length: the IP packet's total length (libxt_length).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { formatRange, inRange, not, type Range } from '../values';

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
    // A reversed range is kept, as iptables keeps it (it never matches).
    parse: ([v]) => {
      const parts = v.split(':');
      if (parts.length > 2) throw new OptionError('length: Too many components for option "--length" (max: 2)');
      const num = (t: string, dflt: number) => {
        if (t === '') return dflt;
        if (!/^(0[xX][0-9a-fA-F]+|\d+)$/.test(t) || Number(t) > 0xffff)
          throw new OptionError(`length: bad value for option "--length" near "${t}", or out of range (0-65535).`);
        return Number(t);
      };
      const min = num(parts[0], 0);
      return { min, max: parts.length === 1 ? min : num(parts[1], 0xffff) };
    },
  }],
  finalize(p) {
    if (!p.length) throw new OptionError('length: option "--length" must be specified');
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
