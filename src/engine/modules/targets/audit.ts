// -j AUDIT: write an audit record for the packet (libxt_AUDIT). Non-terminating.
import type { TargetModule } from '../types';
import { OptionError } from '../types';

const TYPES = ['accept', 'drop', 'reject'] as const;

export const audit: TargetModule<{ type: (typeof TYPES)[number] }> = {
  kind: 'target',
  name: 'AUDIT',
  help: 'Write an audit record (--type accept, drop or reject), then continue with the next rule.',
  simulated: 'audit records go to the audit subsystem, which the simulator does not model; the rule continues',
  options: [
    {
      name: 'type', values: TYPES,
      parse: ([v]) => {
        const t = TYPES.find((x) => x === v.toLowerCase());
        if (!t) throw new OptionError(`Bad action type value "${v}"`);
        return t;
      },
      help: 'The action the record reports: accept, drop or reject.',
    },
  ],
  finalize(p) {
    if (!p.type) throw new OptionError('AUDIT: option "--type" must be specified');
    return { type: p.type.value };
  },
  apply: () => 'CONTINUE',
  save: (o) => `--type ${o.type}`,
  list: (o) => `AUDIT ${o.type}`,
  xlate: () => ({ nft: 'log level audit' }),
};
