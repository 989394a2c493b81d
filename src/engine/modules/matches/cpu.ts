// -m cpu --cpu N: the CPU handling the packet (xt_cpu). The simulated host has one CPU, number 0.
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { cUint, U32 } from '../c-number';
import { not } from '../values';

export interface CpuOptions {
  cpu: number;
  inv: boolean;
}

export const cpu: MatchModule<CpuOptions> = {
  kind: 'match',
  name: 'cpu',
  help: 'Match the CPU that handles the packet (the simulated host has one CPU: 0).',
  simulated: true,
  options: [{
    name: 'cpu', invert: true, help: 'CPU number.',
    parse: ([v]) => {
      const n = cUint(v, U32);
      if (n === null) throw new OptionError('cpu: bad value for option "--cpu", or out of range (0-4294967295).');
      return Number(n);
    },
  }],
  finalize(p) {
    if (!p.cpu) throw new OptionError('cpu: option "--cpu" must be specified');
    return { cpu: p.cpu.value, inv: p.cpu.inv };
  },
  match: (_pkt, o) => (o.cpu === 0) !== o.inv,
  explain: (_pkt, o) => `the packet is handled by CPU 0, ${o.inv ? 'which is' : 'not'} ${o.cpu}`,
  // Every packet or none: the analysis can say which.
  space: (o): Space => ((o.cpu === 0) !== o.inv ? { all: [] } : { any: [] }),
  save: (o) => `${not(o.inv)}--cpu ${o.cpu}`,
  list: (o) => `cpu ${o.inv ? '! ' : ''}${o.cpu}`,
  xlate: (o) => ({ nft: `cpu ${o.inv ? '!= ' : ''}${o.cpu}` }),
};
