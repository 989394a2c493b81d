// -j SECMARK: set the packet's SELinux security mark (libxt_SECMARK). The kernel refuses the rule without
// an LSM that supports it (here: "RULE_APPEND failed (No such file or directory)").
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { saveString } from './log';

export const secmark: TargetModule<{ selctx: string }> = {
  kind: 'target',
  name: 'SECMARK',
  help: 'Set the SELinux security context of the packet (--selctx). mangle and security tables.',
  simulated: 'security marks need SELinux, which the simulator does not model; the rule continues',
  tables: ['mangle', 'security'],
  options: [
    {
      name: 'selctx',
      parse: ([v]) => {
        if (v.length > 255) throw new OptionError('SECMARK: option "--selctx" is too long');
        return v;
      },
      help: 'The SELinux context, e.g. system_u:object_r:ssh_packet_t:s0.',
    },
  ],
  finalize(p) {
    if (!p.selctx) throw new OptionError('SECMARK: option "--selctx" must be specified');
    return { selctx: p.selctx.value };
  },
  apply: () => 'CONTINUE',
  save: (o) => `--selctx ${saveString(o.selctx)}`,
  list: (o) => `SECMARK selctx ${o.selctx}`,
  xlate: () => ({ untranslatable: 'nftables needs a named secmark object for this' }),
};
