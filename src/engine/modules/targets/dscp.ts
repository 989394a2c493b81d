// -j DSCP: rewrite the DSCP field, the upper six bits of the TOS byte (libxt_DSCP). mangle only.
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { DSCP_CLASSES, hex2, parseDscpClass } from '../values';

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
      name: 'set-dscp-class', values: Object.keys(DSCP_CLASSES),
      parse: ([v]) => parseDscpClass(v),
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
  save: (o) => `--set-dscp ${hex2(o)}`,
  list: (o) => `DSCP set ${hex2(o)}`,
  xlate: (o) => ({ nft: `ip dscp set ${hex2(o)}` }),
};
