// -j CONNSECMARK: copy the security mark between packet and connection (libxt_CONNSECMARK).
// mangle and security tables.
import type { TargetModule } from '../types';
import { OptionError } from '../types';

export const connsecmark: TargetModule<{ op: 'save' | 'restore' }> = {
  kind: 'target',
  name: 'CONNSECMARK',
  help: "Copy the packet's security mark to the connection (--save) or back (--restore).",
  simulated: 'security marks need SELinux, which the simulator does not model; the rule continues',
  tables: ['mangle', 'security'],
  options: [
    { name: 'save', args: 0, help: "Copy the packet's security mark to the connection." },
    { name: 'restore', args: 0, help: "Copy the connection's security mark to the packet." },
  ],
  finalize(p) {
    if (p.save && p.restore) throw new OptionError('CONNSECMARK: option "--save" cannot be used together with "--restore".');
    if (!p.save && !p.restore) throw new OptionError('CONNSECMARK target: parameter required');
    return { op: p.save ? 'save' : 'restore' };
  },
  apply: () => 'CONTINUE',
  save: (o) => `--${o.op}`,
  list: (o) => `CONNSECMARK ${o.op}`,
  xlate: () => ({ untranslatable: 'iptables-translate 1.8.9 has no CONNSECMARK translation' }),
};
