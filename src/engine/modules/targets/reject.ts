// -j REJECT: drop the packet and answer it with an ICMP error or a TCP reset (libxt_REJECT, ipt_REJECT).
import type { RejectWith, TargetModule } from '../types';
import { OptionError } from '../types';

/// Every name --reject-with takes, with the canonical name iptables saves.
const NAMES: Record<string, RejectWith> = {
  'icmp-net-unreachable': 'icmp-net-unreachable', 'net-unreach': 'icmp-net-unreachable',
  'icmp-host-unreachable': 'icmp-host-unreachable', 'host-unreach': 'icmp-host-unreachable',
  'icmp-port-unreachable': 'icmp-port-unreachable', 'port-unreach': 'icmp-port-unreachable',
  'icmp-proto-unreachable': 'icmp-proto-unreachable', 'proto-unreach': 'icmp-proto-unreachable',
  'icmp-net-prohibited': 'icmp-net-prohibited', 'net-prohib': 'icmp-net-prohibited',
  'icmp-host-prohibited': 'icmp-host-prohibited', 'host-prohib': 'icmp-host-prohibited',
  'icmp-admin-prohibited': 'icmp-admin-prohibited', 'admin-prohib': 'icmp-admin-prohibited',
  'tcp-reset': 'tcp-reset', 'tcp-rst': 'tcp-reset',
};

/// nftables' names for the ICMP codes (`reject with icmp type X`).
const NFT: Record<RejectWith, string> = {
  'icmp-net-unreachable': 'net-unreachable', 'icmp-host-unreachable': 'host-unreachable',
  'icmp-port-unreachable': 'port-unreachable', 'icmp-proto-unreachable': 'prot-unreachable',
  'icmp-net-prohibited': 'net-prohibited', 'icmp-host-prohibited': 'host-prohibited',
  'icmp-admin-prohibited': 'admin-prohibited', 'tcp-reset': 'tcp reset',
};

export interface RejectOptions {
  with: RejectWith;
}

export const reject: TargetModule<RejectOptions> = {
  kind: 'target',
  name: 'REJECT',
  help: 'Drop the packet and send back an ICMP error (default port-unreachable) or a TCP reset.',
  simulated: true,
  label: 'REJECT',
  tables: ['filter'],
  hooks: ['INPUT', 'FORWARD', 'OUTPUT'],
  options: [
    {
      name: 'reject-with', values: Object.keys(NAMES),
      parse: ([v]) => {
        const w = NAMES[v];
        if (!w) throw new OptionError(`unknown reject type "${v}"`);
        return w;
      },
      help: 'The answer: icmp-port-unreachable (default), icmp-net/host/proto-unreachable, icmp-net/host/admin-prohibited, tcp-reset.',
    },
  ],
  finalize(p, rule) {
    const w: RejectWith = p['reject-with']?.value ?? 'icmp-port-unreachable';
    // The kernel refuses the rule (EINVAL): a reset needs a TCP packet to answer.
    if (w === 'tcp-reset' && (rule.proto !== 6 || rule.protoInv))
      throw new OptionError('REJECT --reject-with tcp-reset is only valid with -p tcp (the kernel refuses the rule: Invalid argument)');
    return { with: w };
  },
  apply(_pkt, o, ctx) {
    ctx.reject(o.with);
    return 'DROP';
  },
  save: (o) => `--reject-with ${o.with}`,
  list: (o) => `reject-with ${o.with}`,
  xlate(o) {
    if (o.with === 'icmp-port-unreachable') return { nft: 'reject' };
    if (o.with === 'tcp-reset') return { nft: 'reject with tcp reset' };
    return { nft: `reject with icmp type ${NFT[o.with]}` };
  },
};
