// -j DSCP: rewrite the DSCP field, the upper six bits of the TOS byte (libxt_DSCP). mangle only.
import type { TargetModule } from '../types';
import { OptionError } from '../types';

/// DiffServ class names as --set-dscp-class takes them (case-insensitive).
const CLASSES: Record<string, number> = {
  CS0: 0, CS1: 8, CS2: 16, CS3: 24, CS4: 32, CS5: 40, CS6: 48, CS7: 56, BE: 0,
  AF11: 10, AF12: 12, AF13: 14, AF21: 18, AF22: 20, AF23: 22, AF31: 26, AF32: 28, AF33: 30,
  AF41: 34, AF42: 36, AF43: 38, EF: 46,
};

const h2 = (n: number) => '0x' + n.toString(16).padStart(2, '0');

export const dscp: TargetModule<number> = {
  kind: 'target',
  name: 'DSCP',
  help: 'Rewrite the DSCP field: --set-dscp 0-63 or --set-dscp-class EF, AF41, CS1 ...',
  simulated: true,
  tables: ['mangle'],
  options: [
    {
      name: 'set-dscp',
      parse: ([v]) => {
        if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(v) || Number(v) > 63) throw new OptionError('DSCP: bad value for option "--set-dscp", or out of range (0-63).');
        return Number(v);
      },
      help: 'The DSCP value, 0-63.',
    },
    {
      name: 'set-dscp-class', values: Object.keys(CLASSES),
      parse: ([v]) => {
        const n = CLASSES[v.toUpperCase()];
        if (n === undefined) throw new OptionError(`Invalid DSCP value \`${v}'`);
        return n;
      },
      help: 'A DiffServ class: EF, AF11-AF43, CS0-CS7, BE.',
    },
  ],
  finalize(p) {
    if (p['set-dscp'] && p['set-dscp-class'])
      throw new OptionError('DSCP: option "--set-dscp" cannot be used together with "--set-dscp-class".');
    const o = p['set-dscp'] ?? p['set-dscp-class'];
    if (!o) throw new OptionError('DSCP target: Parameter --set-dscp is required');
    return o.value;
  },
  apply(pkt, o) {
    pkt.tos = (pkt.tos & 0x03) | (o << 2);
    return 'CONTINUE';
  },
  save: (o) => `--set-dscp ${h2(o)}`,
  list: (o) => `DSCP set ${h2(o)}`,
  xlate: (o) => ({ nft: `ip dscp set ${h2(o)}` }),
};
