// -j NETMAP: map a whole network onto another, keeping the host part (libxt_NETMAP). Destination in
// PREROUTING and OUTPUT, source in POSTROUTING and INPUT.
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { formatCidr, parseCidr, type Cidr } from '../../model/addr';

export const netmap: TargetModule<Cidr> = {
  kind: 'target',
  name: 'NETMAP',
  help: 'Map the destination (PREROUTING, OUTPUT) or source (POSTROUTING, INPUT) network onto another, 1:1.',
  simulated: true,
  label: 'NETMAP',
  tables: ['nat'],
  options: [
    {
      name: 'to',
      parse: ([v]) => {
        const c = parseCidr(v);
        if (!c) throw new OptionError(`Bad IP address "${v}"`);
        return c;
      },
      help: 'addr[/mask]: the network to map onto.',
    },
  ],
  finalize(p) {
    if (!p.to) throw new OptionError('NETMAP: option "--to" must be specified');
    return p.to.value;
  },
  apply(_pkt, o, ctx) {
    ctx.nat({ kind: 'netmap', addr: o.addr, mask: o.mask });
    return 'ACCEPT';
  },
  save: (o) => `--to ${formatCidr(o)}`,
  list: (o) => `to:${formatCidr(o)}`,
  xlate: () => ({ untranslatable: 'iptables-translate 1.8.9 has no NETMAP translation (nftables 1.0.6 spells it snat/dnat ip prefix to)' }),
};
