// -m dscp: the DiffServ code point, the upper six bits of the TOS byte (libxt_dscp).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { not } from '../values';

/// The DiffServ class names --dscp-class takes.
export const DSCP_CLASSES: Record<string, number> = {
  CS0: 0x00, CS1: 0x08, CS2: 0x10, CS3: 0x18, CS4: 0x20, CS5: 0x28, CS6: 0x30, CS7: 0x38, BE: 0x00,
  AF11: 0x0a, AF12: 0x0c, AF13: 0x0e, AF21: 0x12, AF22: 0x14, AF23: 0x16, AF31: 0x1a, AF32: 0x1c, AF33: 0x1e,
  AF41: 0x22, AF42: 0x24, AF43: 0x26, EF: 0x2e,
};

export function parseDscpClass(v: string): number {
  const n = DSCP_CLASSES[v.toUpperCase()];
  if (n === undefined) throw new OptionError(`Invalid DSCP value \`${v}'`);
  return n;
}

export interface DscpOptions {
  dscp: number;
  inv: boolean;
}

const hex2 = (n: number) => '0x' + n.toString(16).padStart(2, '0');

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
