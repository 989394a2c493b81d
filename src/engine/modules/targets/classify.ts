// -j CLASSIFY: set skb->priority, the tc class (libxt_CLASSIFY). Parsed only: there is no traffic control here.
import type { TargetModule } from '../types';
import { OptionError } from '../types';

export interface ClassifyOptions {
  major: number;
  minor: number;
}

export const classify: TargetModule<ClassifyOptions> = {
  kind: 'target',
  name: 'CLASSIFY',
  help: 'Put the packet in a tc class (MAJOR:MINOR, hexadecimal). OUTPUT, FORWARD, POSTROUTING.',
  simulated: 'the tc class (skb->priority) only matters to traffic control, which the simulator does not model',
  hooks: ['OUTPUT', 'FORWARD', 'POSTROUTING'],
  options: [
    {
      name: 'set-class',
      parse: ([v]) => {
        const m = /^([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})$/.exec(v);
        if (!m) throw new OptionError(`Bad class value "${v}"`);
        return { major: parseInt(m[1], 16), minor: parseInt(m[2], 16) };
      },
      help: 'MAJOR:MINOR in hexadecimal, as tc names classes.',
    },
  ],
  finalize(p) {
    if (!p['set-class']) throw new OptionError('CLASSIFY: option "--set-class" must be specified');
    return p['set-class'].value;
  },
  apply: () => 'CONTINUE',
  save: (o) => `--set-class ${o.major.toString(16).padStart(4, '0')}:${o.minor.toString(16).padStart(4, '0')}`,
  list: (o) => `CLASSIFY set ${o.major.toString(16)}:${o.minor.toString(16)}`,
  // nft names the two special handles: 0:0 none, ffff:ffff root.
  xlate: (o) => ({ nft: `meta priority set ${o.major === 0 && o.minor === 0 ? 'none' : o.major === 0xffff && o.minor === 0xffff ? 'root' : `${o.major.toString(16)}:${o.minor.toString(16)}`}` }),
};
