// -m cgroup: the control group of the socket that sent the packet (xt_cgroup): its net_cls classid
// (--cgroup) or its cgroup v2 path (--path). A packet with no local socket never matches, inverted or not.
// Kernel-recorded (test/kernel/cases/modules-more/cgroup-*): a local process's packet has one, and so has
// the kernel's own ICMP error (sent from its ICMP socket, in the root cgroup); a TCP reset of REJECT, a
// forwarded packet, and anything that came in (lo included) have none.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { cUint, U32 } from '../c-number';
import { not } from '../values';
import type { Packet } from '../../model/packet';

export type CgroupOptions = { classid: number; inv: boolean } | { path: string; inv: boolean };

/// The model has one process tree, in the root cgroup: classid 0, path "/".
function matches(o: CgroupOptions): boolean {
  return 'classid' in o ? o.classid === 0 : o.path.replace(/\/+$/, '') === '';
}

/// The packet has a local socket (nft's meta cgroup reads the same one).
export const hasSocket = (pkt: Packet) => pkt.iif === null && (pkt.uid !== null || !!pkt.kernelSocket);

export const cgroup: MatchModule<CgroupOptions> = {
  kind: 'match',
  name: 'cgroup',
  help: 'Match the control group of the local process that sent the packet: a net_cls classid (--cgroup) or a cgroup v2 path (--path).',
  simulated: 'control groups are not modelled: a local process, and the kernel\'s ICMP socket, count as in the root cgroup (classid 0, path /); other packets have no socket and never match',
  options: [
    {
      name: 'cgroup', invert: true, help: 'The net_cls classid.',
      parse: ([v]) => {
        const n = cUint(v, U32);
        if (n === null) throw new OptionError('cgroup: bad value for option "--cgroup", or out of range (0-4294967295).');
        return Number(n);
      },
    },
    { name: 'path', invert: true, help: 'The cgroup v2 path, below /sys/fs/cgroup.' },
  ],
  finalize(p, rule) {
    // xt_cgroup registers for LOCAL_IN, LOCAL_OUT and POST_ROUTING only.
    if (rule.hooks.some((h) => h === 'PREROUTING' || h === 'FORWARD'))
      throw new OptionError('cgroup match: only valid in INPUT, OUTPUT and POSTROUTING (the kernel refuses the rule: Invalid argument)');
    if (p.cgroup && p.path) throw new OptionError('cgroup: the kernel refuses --path together with --cgroup (RULE_APPEND failed (Invalid argument))');
    if (p.cgroup) return { classid: p.cgroup.value, inv: p.cgroup.inv };
    if (p.path) return { path: String(p.path.value), inv: p.path.inv };
    throw new OptionError('cgroup: the kernel refuses the match without --path or --cgroup (RULE_APPEND failed (Invalid argument))');
  },
  match: (pkt, o) => hasSocket(pkt) && matches(o) !== o.inv,
  explain: (pkt, o) => (!hasSocket(pkt) ? 'the packet has no local socket (it came in, or the kernel made it without one)' : `the sending process is in the root cgroup, which ${'classid' in o ? `has classid 0, ${o.inv ? '' : 'not '}${o.classid}` : `${o.inv ? 'is' : 'is not'} below ${o.path}`}`),
  save: (o) => ('classid' in o ? `${not(o.inv)}--cgroup ${o.classid}` : `${not(o.inv)}--path "${o.path}"`),
  list: (o) => `cgroup ${o.inv ? '! ' : ''}${'classid' in o ? o.classid : o.path}`,
  // iptables-translate leaves --path untranslated; nft's socket cgroupv2 resolves the path when the
  // ruleset is loaded, so the cgroup has to exist on the machine that loads it.
  xlate: (o) => ('classid' in o
    ? { nft: `meta cgroup ${o.inv ? '!= ' : ''}${o.classid}` }
    : { untranslatable: 'cgroup --path: nft\'s socket cgroupv2 needs the cgroup to exist where the ruleset is loaded (iptables-translate 1.8.9 leaves it untranslated too)' }),
};
