// -j NOTRACK: leave the packet out of connection tracking (its state is UNTRACKED). iptables-nft stores it
// as `CT --notrack`, so `iptables -L` shows the target as CT with "NOTRACK" after it; iptables-save keeps NOTRACK.
import type { TargetModule } from '../types';

export const notrack: TargetModule<Record<string, never>> = {
  kind: 'target',
  listName: 'CT',
  name: 'NOTRACK',
  help: 'Do not track this packet: conntrack skips it and -m conntrack sees UNTRACKED. raw table only.',
  simulated: true,
  tables: ['raw'],
  options: [],
  finalize: () => ({}),
  apply(_pkt, _o, ctx) {
    ctx.notrack();
    return 'CONTINUE';
  },
  save: () => '',
  list: () => 'NOTRACK',
  xlate: () => ({ nft: 'notrack' }),
};
