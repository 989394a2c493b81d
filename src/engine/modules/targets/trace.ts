// -j TRACE: mark the packet for rule tracing (xtables-monitor --trace). iptables-nft turns it into
// `meta nftrace set 1`, which every table accepts, not only raw.
import type { TargetModule } from '../types';

export const trace: TargetModule<Record<string, never>> = {
  kind: 'target',
  name: 'TRACE',
  help: 'Trace the packet through every rule it meets from here on (xtables-monitor --trace).',
  simulated: true,
  options: [],
  finalize: () => ({}),
  // The simulator traces every packet already: nothing changes.
  apply: () => 'CONTINUE',
  save: () => '',
  list: () => '',
  // iptables-translate prints the short form; nft -o lists the long one.
  xlate: (_o, ctx) => ({ nft: ctx?.flavour === 'idiomatic' ? 'meta nftrace set 1' : 'nftrace set 1' }),
};
