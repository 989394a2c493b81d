// -j NETMAP: map a whole network onto another, keeping the host part (libxt_NETMAP). Destination in
// PREROUTING and OUTPUT, source in POSTROUTING and INPUT.
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { formatCidr, formatIPv4, maskToPrefix, parseCidr, type Cidr } from '../../model/addr';

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
  xlate(o, ctx) {
    const prefix = maskToPrefix(o.mask);
    if (prefix < 0) return { untranslatable: `--to ${formatCidr(o)}: nft's prefix mapping takes a prefix length, not a non-contiguous mask` };
    // NETMAP maps the destination where DNAT is possible and the source where SNAT is; nft decides when
    // the ruleset loads, so the chain must run in hooks of one kind.
    const hooks = ctx?.hooks() ?? [];
    const dst = hooks.every((h) => h === 'PREROUTING' || h === 'OUTPUT');
    if (!dst && !hooks.every((h) => h === 'POSTROUTING' || h === 'INPUT'))
      return { untranslatable: `this chain runs in ${hooks.join(' and ')}: NETMAP maps the destination in some and the source in others, nft's dnat and snat are fixed per rule` };
    // `prefix` keeps each address's host part (NF_NAT_RANGE_NETMAP), as NETMAP does.
    return { nft: `${dst ? 'dnat' : 'snat'} prefix to ${formatIPv4(o.addr)}/${prefix}`, note: 'iptables-translate 1.8.9 leaves -j NETMAP untranslated' };
  },
};
