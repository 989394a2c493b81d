// -m dscp: the DiffServ code point, the upper six bits of the TOS byte (libxt_dscp).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { DSCP_CLASSES, hex2, not, parseDscpClass } from '../values';

export interface DscpOptions {
  dscp: number;
  inv: boolean;
}

export const dscp: MatchModule<DscpOptions> = {
  kind: 'match',
  name: 'dscp',
  help: 'Match the DSCP field (the TOS byte shifted right by two).',
  simulated: true,
  options: [
    { name: 'dscp', invert: true, parse: ([v]) => {
      if (!/^(0[xX][0-9a-fA-F]+|\d+)$/.test(v) || Number(v) > 0x3f) throw new OptionError('dscp: bad value for option "--dscp", or out of range (0-63).');
      return Number(v);
    }, help: 'A value 0-63 (decimal or 0x hex).' },
    { name: 'dscp-class', invert: true, values: Object.keys(DSCP_CLASSES), parse: ([v]) => parseDscpClass(v), help: 'A DiffServ class: EF, AF11 ... AF43, CS0 ... CS7, BE.' },
  ],
  finalize(p) {
    const o = p.dscp ?? p['dscp-class'];
    if (!o) throw new OptionError('DSCP match: Parameter --dscp is required');
    if (p.dscp && p['dscp-class']) throw new OptionError('dscp: option "--dscp" cannot be used together with "--dscp-class".');
    return { dscp: o.value, inv: o.inv };
  },
  match: (pkt, o) => (pkt.tos >> 2 === o.dscp) !== o.inv,
  explain: (pkt, o) => `DSCP ${hex2(pkt.tos >> 2)} is ${o.inv ? '' : 'not '}${hex2(o.dscp)}`,
  space(o) {
    const s: Space = { field: 'tos', value: o.dscp << 2, mask: 0xfc };
    return o.inv ? { not: s } : s;
  },
  save: (o) => `${not(o.inv)}--dscp ${hex2(o.dscp)}`,
  list: (o) => `DSCP match ${o.inv ? '!' : ''}${hex2(o.dscp)}`,
  xlate: (o) => ({ nft: `ip dscp ${o.inv ? '!= ' : ''}${hex2(o.dscp)}` }),
};
