// -j TEE --gateway ADDR: send a copy of the packet to a gateway on the local network, optionally out of
// --oif (xt_TEE, nf_dup_ipv4). The original goes on unchanged. Kernel-recorded
// (test/kernel/cases/modules-more/tee-*): the copy is untracked, crosses OUTPUT and POSTROUTING at once (the
// nat table skips it; a TEE rule there copies it no further) and leaves by the route to the gateway with its
// addresses as they were; made in PREROUTING or INPUT it has one TTL less. A gateway the host has no
// unicast route to gets no copy (the kernel would loop one to itself for its own address: not modelled).
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { formatIPv4, parseIPv4 } from '../../model/addr';

export interface TeeOptions {
  gateway: number;
  oif: string | null;
}

export const tee: TargetModule<TeeOptions> = {
  kind: 'target',
  name: 'TEE',
  help: 'Send a copy of the packet to a gateway (--gateway, optionally --oif); the original continues.',
  simulated: true,
  options: [
    {
      name: 'gateway', help: 'The IP address to send the copy to (it must be on a directly connected network).',
      parse: ([v]) => {
        const a = parseIPv4(v);
        if (a !== null) return a;
        if (/[a-zA-Z]/.test(v) && !v.includes('/'))
          throw new OptionError(`host \`${v}' not found: nfplay cannot resolve host names, write the address instead`);
        throw new OptionError('getaddrinfo: Name or service not known');
      },
    },
    // iptables keeps the first 15 characters of a longer name.
    { name: 'oif', help: 'The interface to send the copy out of.', parse: ([v]) => v.slice(0, 15) },
  ],
  finalize(p) {
    if (!p.gateway) throw new OptionError('TEE: option "--gateway" must be specified');
    return { gateway: p.gateway.value, oif: p.oif ? String(p.oif.value) : null };
  },
  apply(_pkt, o, ctx) {
    ctx.duplicate?.(o.gateway, o.oif);
    return 'CONTINUE';
  },
  save: (o) => `--gateway ${formatIPv4(o.gateway)}${o.oif ? ` --oif ${o.oif}` : ''}`,
  list: (o) => `TEE gw:${formatIPv4(o.gateway)}${o.oif ? ` oif=${o.oif}` : ''}`,
  xlate: (o) => ({ nft: `dup to ${formatIPv4(o.gateway)}${o.oif ? ` device ${o.oif}` : ''}` }),
};
