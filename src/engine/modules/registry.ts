// Every module, by the name rules use. Names go into shared URLs: they never change.
// Adding a module is one file and one line here; test/engine/registry.test.ts fails if a file is not listed.
import type { MatchModule, TargetModule } from './types';
// Targets are imported under their iptables name: several share a name with a match (mark, set, tos ...).
import { tcp } from './matches/tcp';
import { udp } from './matches/udp';
import { icmp } from './matches/icmp';
import { state } from './matches/state';
import { conntrack } from './matches/conntrack';
import { mark } from './matches/mark';
import { connmark } from './matches/connmark';
import { comment } from './matches/comment';
import { multiport } from './matches/multiport';
import { addrtype } from './matches/addrtype';
import { ttl } from './matches/ttl';
import { length } from './matches/length';
import { iprange } from './matches/iprange';
import { pkttype } from './matches/pkttype';
import { mac } from './matches/mac';
import { dscp } from './matches/dscp';
import { tos } from './matches/tos';
import { owner } from './matches/owner';
import { limit } from './matches/limit';
import { hashlimit } from './matches/hashlimit';
import { recent } from './matches/recent';
import { connlimit } from './matches/connlimit';
import { statistic } from './matches/statistic';
import { set } from './matches/set';
import { helper } from './matches/helper';
import { tcpmss } from './matches/tcpmss';
import { physdev } from './matches/physdev';
import { sctp } from './matches/sctp';
import { string } from './matches/string';
import { u32 } from './matches/u32';
import { time } from './matches/time';
import { rpfilter } from './matches/rpfilter';
import { quota } from './matches/quota';
import { connbytes } from './matches/connbytes';
import { devgroup } from './matches/devgroup';
import { cgroup } from './matches/cgroup';
import { cpu } from './matches/cpu';
import { realm } from './matches/realm';
import { ecn } from './matches/ecn';
import { dccp } from './matches/dccp';
import { esp } from './matches/esp';
import { ah } from './matches/ah';
import { cluster } from './matches/cluster';
import { reject as REJECT } from './targets/reject';
import { log as LOG } from './targets/log';
import { nflog as NFLOG } from './targets/nflog';
import { mark as MARK } from './targets/mark';
import { connmark as CONNMARK } from './targets/connmark';
import { notrack as NOTRACK } from './targets/notrack';
import { ct as CT } from './targets/ct';
import { trace as TRACE } from './targets/trace';
import { dnat as DNAT } from './targets/dnat';
import { snat as SNAT } from './targets/snat';
import { masquerade as MASQUERADE } from './targets/masquerade';
import { redirect as REDIRECT } from './targets/redirect';
import { netmap as NETMAP } from './targets/netmap';
import { tcpmss as TCPMSS } from './targets/tcpmss';
import { tos as TOS } from './targets/tos';
import { dscp as DSCP } from './targets/dscp';
import { ttl as TTL } from './targets/ttl';
import { classify as CLASSIFY } from './targets/classify';
import { checksum as CHECKSUM } from './targets/checksum';
import { ulog as ULOG } from './targets/ulog';
import { nfqueue as NFQUEUE } from './targets/nfqueue';
import { queue as QUEUE } from './targets/queue';
import { tproxy as TPROXY } from './targets/tproxy';
import { set as SET } from './targets/set';
import { audit as AUDIT } from './targets/audit';
import { secmark as SECMARK } from './targets/secmark';
import { connsecmark as CONNSECMARK } from './targets/connsecmark';
import { synproxy as SYNPROXY } from './targets/synproxy';
import { tee as TEE } from './targets/tee';

export const MATCHES: readonly MatchModule[] = [tcp, udp, icmp, state, conntrack, mark, connmark, comment, multiport, addrtype, ttl, length, iprange, pkttype, mac, dscp, tos, owner, limit, hashlimit, recent, connlimit, statistic, set, helper, tcpmss, physdev, sctp, string, u32, time, rpfilter, quota, connbytes, devgroup, cgroup, cpu, realm, ecn, dccp, esp, ah, cluster];

export const TARGETS: readonly TargetModule[] = [REJECT, LOG, NFLOG, MARK, CONNMARK, NOTRACK, CT, TRACE, DNAT, SNAT, MASQUERADE, REDIRECT, NETMAP, TCPMSS, TOS, DSCP, TTL, CLASSIFY, CHECKSUM, ULOG, NFQUEUE, QUEUE, TPROXY, SET, AUDIT, SECMARK, CONNSECMARK, SYNPROXY, TEE];

const matchByName = new Map<string, MatchModule>();
for (const m of MATCHES) matchByName.set(m.name, m);
const targetByName = new Map<string, TargetModule>();
for (const t of TARGETS) targetByName.set(t.name, t);

/// Match modules by `-m` name (aliases such as `-m udplite` map to their module).
export function findMatch(name: string): MatchModule | undefined {
  return matchByName.get(name.toLowerCase());
}

/// Target modules by `-j` name (case-sensitive as iptables: `-j log` is a chain, not LOG).
export function findTarget(name: string): TargetModule | undefined {
  return targetByName.get(name);
}
