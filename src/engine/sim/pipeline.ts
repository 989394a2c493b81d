// One packet's way through the host: the five hooks with their tables in the kernel's priority order,
// conntrack between raw and mangle, the routing decisions, NAT, confirmation, and what the host
// generates in answer (REJECT's replies, ICMP errors of forwarding).
import type { Conn, CtDir, CtState } from '../model/conntrack';
import { clonePacket, type Packet, type Quoted } from '../model/packet';
import type { Hook } from '../model/ruleset';
import type { Fate, GeneratedResult, PacketResult, PathEvent, TraceStep } from '../model/trace';
import type { MatchContext, NatRequest, RejectWith, SetStore } from '../modules/types';
import { ConnTable } from './conntrack';
import { headerOf } from './header';
import type { Host } from './host';
import { applyBinding, bind, manipOf } from './nat';
import type { HookChain, HookProgram } from './hook-program';
import type { WalkSink } from './walk';
import { makeReject, makeIcmpError } from './generate';


/// Everything that lives for one simulation run: connections, shared module state, randomness.
export interface RunState {
  program: HookProgram;
  host: Host;
  sets: SetStore;
  conns: ConnTable;
  shared: Map<string, unknown>;
  random: () => number;
  /// Record why skipped rules did not match.
  explain: boolean;
  /// A TEE copy is on its way: it is not copied again (nf_dup_ipv4's nf_skb_duplicated).
  duplicating?: boolean;
}

/// A conntrack entry the packet carries (attached by REJECT to its reply, or kept across loopback).
interface Attached {
  conn: Conn | null;
  state: CtState;
  dir: CtDir;
}

class PacketRun implements MatchContext, WalkSink {
  hook: Hook = 'PREROUTING';
  table: string = 'raw';
  ctState: CtState = 'INVALID';
  ctDir: CtDir = 'ORIGINAL';
  ct: Conn | null = null;
  fresh = false;
  looked = false;
  untracked = false;
  zone = 0;
  helper: string | null = null;
  trace: TraceStep[] = [];
  events: PathEvent[] = [];
  logs: string[] = [];
  rejects: RejectWith[] = [];
  generated: GeneratedResult[] = [];
  firstState: CtState | null = null;
  /// Dropped by NAT itself, not by a rule.
  natDropped = false;
  /// A NAT statement bound the connection in the nat chain being walked.
  natBound = false;
  /// A match dropped the packet (hotdrop).
  hotdropped = false;
  /// The device a TEE copy leaves by, whatever its destination (it is routed to the gateway).
  via: string | null = null;
  get explain() { return this.run.explain; }
  /// The packet as it arrived, for REJECT and ICMP errors (which quote it).
  constructor(public pkt: Packet, public run: RunState, public now: number) {}

  get host() { return this.run.host; }
  get sets() { return this.run.sets; }
  connections() { return this.run.conns.all(); }
  shared<T>(key: string, init: () => T): T {
    const m = this.run.shared;
    if (!m.has(key)) m.set(key, init());
    return m.get(key) as T;
  }
  random() { return this.run.random(); }
  log(line: string) { this.logs.push(line); }
  reject(kind: RejectWith) { this.rejects.push(kind); }
  notrack() { this.untracked = true; }
  setCtZone(zone: number) { this.zone = zone; }
  setCtHelper(name: string) { this.helper = name; }
  nat(req: NatRequest) {
    if (!this.ct) return;
    bind(req, this.pkt, this.ct, this.hook, this.run.host, this.run.conns);
    this.natBound = true;
  }
  hotdrop() { this.hotdropped = true; }
  duplicate(gateway: number, oif: string | null) { duplicatePacket(this, gateway, oif); }
  answer(pkt: Packet, what: string) { answerPacket(this, pkt, what); }
  event(kind: PathEvent['kind'], detail: string) {
    this.events.push({ kind, hook: this.hook, at: this.trace.length, detail });
  }
}

export function processPacket(run: RunState, pkt: Packet, now: number, attached?: Attached, via?: string): PacketResult {
  const r = new PacketRun(pkt, run, now);
  if (via) r.via = via;
  if (attached) {
    r.looked = true;
    r.ct = attached.conn;
    r.ctState = r.firstState = attached.state;
    r.ctDir = attached.dir;
  }
  const fate = pkt.iif ? incoming(r) : local(r);
  const result: PacketResult = {
    fate: fate.fate, out: fate.out, ctState: r.firstState, trace: r.trace,
    final: fate.fate === 'forwarded' || fate.fate === 'sent' ? headerOf(pkt) : null,
  };
  if (r.generated.length) result.generated = r.generated;
  if (fate.reason) result.reason = fate.reason;
  result.events = r.events;
  return result;
}

interface Outcome {
  fate: Fate;
  out: string | null;
  reason?: string;
}

/// Runs one hook's stages; false when a chain dropped the packet.
function hook(r: PacketRun, h: Hook): boolean {
  r.hook = h;
  const stages = r.run.program.stages[h];
  for (let i = 0; i < stages.length; i++) {
    const st = stages[i];
    if (st.kind === 'chain') {
      r.table = st.chain.table;
      if (st.chain.walk(r.pkt, r, r) === 'DROP') return false;
    } else if (st.kind === 'conntrack') conntrackIn(r);
    else if (!natHook(r, h, st.chains)) return false;
  }
  return true;
}

function conntrackIn(r: PacketRun): void {
  if (r.looked) return;
  r.looked = true;
  if (r.untracked) {
    r.ctState = 'UNTRACKED';
    r.ct = null;
  } else {
    const l = r.run.conns.lookup(r.pkt, r.now, r.zone);
    r.ctState = l.state;
    r.ctDir = l.dir;
    r.ct = l.conn;
    r.fresh = l.fresh;
    if (l.conn && l.fresh) {
      l.conn.zone = r.zone;
      l.conn.helper = r.helper;
    }
  }
  r.firstState = r.ctState;
  r.event('conntrack', `${r.ctState}${r.ct && !r.fresh ? ` (connection #${r.ct.id}, ${r.ctDir.toLowerCase()} direction)` : ''}`);
}

/// The nat hooks: a new connection walks the hook's nat chains once per manip type, in their order, until
/// one binds (nf_nat_inet_fn); every other packet of a tracked connection is rewritten from its binding.
function natHook(r: PacketRun, h: Hook, chains: readonly HookChain[]): boolean {
  const ct = r.ct;
  if (!ct) return true;
  const manip = manipOf(h);
  if (r.ctState === 'RELATED' && r.pkt.proto === 1) {
    // An ICMP error of a connection is translated like the connection, never decides NAT itself; and a
    // redirect about a connection whose NAT is undecided or not null is dropped (nf_nat_icmp_reply_translation).
    if (r.pkt.icmpType === 5 && (!ct.natDone.src || !ct.natDone.dst || ct.snat || ct.dnat)) {
      r.event('drop', 'NAT drops an ICMP redirect about a connection whose NAT is not settled as none');
      r.natDropped = true;
      return false;
    }
    applyBinding(r.pkt, ct, r.ctDir, manip);
    return true;
  }
  if (!ct.natDone[manip]) {
    ct.natDone[manip] = true;
    // A new connection's first packet decides NAT; so does a packet attached to a connection whose NAT
    // for this hook is still undecided (REJECT's reset of a SYN rejected before POSTROUTING).
    if (r.ctState === 'NEW' || r.ctState === 'RELATED') {
      for (const c of chains) {
        r.table = c.table;
        r.natBound = false;
        if (c.walk(r.pkt, r, r) === 'DROP') return false;
        if (r.natBound) break;
      }
      // No rule gave a source binding: the null binding still must not collide with another connection
      // (nf_nat_alloc_null_binding), so a clashing source port moves.
      if (manip === 'src' && !ct.snat && r.run.conns.taken(ct.reply, ct.zone)) {
        bind({ kind: 'snat', minAddr: r.pkt.src, maxAddr: r.pkt.src, minPort: 0, maxPort: 0, random: false, persistent: false }, r.pkt, ct, h, r.run.host, r.run.conns);
        r.event('nat', `source port moved to ${r.pkt.sport}: the tuple was taken by another connection`);
      }
    }
    // The first packet was rewritten by its target already; an attached one still follows the binding.
    if (r.ctState !== 'RELATED') return true;
  }
  const before = headerOf(r.pkt);
  if (applyBinding(r.pkt, ct, r.ctDir, manip)) {
    const after = headerOf(r.pkt);
    r.event('nat', `${manip === 'dst' ? 'destination' : 'source'} rewritten from connection #${ct.id}: ${before.src}:${before.sport ?? ''} > ${before.dst}:${before.dport ?? ''} becomes ${after.src}:${after.sport ?? ''} > ${after.dst}:${after.dport ?? ''}`);
  }
  return true;
}

/// ip_rt_send_redirect's backoff per sender: the n-th redirect waits 20 ms << n after the last, at most 9
/// are sent, and 20 s of quiet starts over.
function redirectAllowed(r: PacketRun): boolean {
  const peers = r.shared('redirects', () => new Map<number, { n: number; last: number }>());
  const p = peers.get(r.pkt.src) ?? { n: 0, last: -Infinity };
  if (r.now - p.last > 0.02 * 2 ** 10) p.n = 0;
  if (p.n >= 9 || (p.n > 0 && r.now <= p.last + 0.02 * 2 ** p.n)) return false;
  peers.set(r.pkt.src, { n: p.n + 1, last: r.now });
  return true;
}

function confirm(r: PacketRun): void {
  if (r.ct && r.fresh && r.ctState !== 'RELATED') r.run.conns.confirm(r.ct);
}

function dropped(r: PacketRun, at: Hook): Outcome {
  if (r.rejects.length) {
    for (const kind of r.rejects) sendGenerated(r, makeReject(r.pkt, kind, r.run.host));
    return { fate: 'rejected', out: null };
  }
  if (r.natDropped) return { fate: 'dropped', out: null, reason: 'NAT drops ICMP redirects about connections whose NAT is undecided or not null' };
  r.event('drop', `dropped in ${at}`);
  return { fate: 'dropped', out: null };
}

function incoming(r: PacketRun): Outcome {
  const p = r.pkt;
  if (p.fragOffset || p.moreFragments) {
    // Conntrack's defragmentation (priority -400) holds fragments until the datagram is whole.
    r.event('conntrack', 'a fragment: held for reassembly');
    return { fate: 'dropped', out: null, reason: 'a fragment waits in conntrack defragmentation for the rest of its datagram: no chain sees it alone (so -f rules never match while conntrack is loaded)' };
  }
  if (!hook(r, 'PREROUTING')) return dropped(r, 'PREROUTING');
  if (p.iif !== 'lo' && (p.dst >>> 24 === 127 || p.src >>> 24 === 127)) {
    // Loopback addresses from the wire are martians (route_localnet is off): routing drops them.
    r.event('route', `martian ${p.dst >>> 24 === 127 ? 'destination' : 'source'}: a loopback address from ${p.iif}`);
    return { fate: 'dropped', out: null, reason: 'a loopback address on a packet from the network is a martian: routing drops it (net.ipv4.conf.*.route_localnet is off)' };
  }
  const martian = p.iif !== 'lo' ? martianSource(p, r.run.host) : null;
  if (martian) {
    r.event('route', `martian source: ${martian}`);
    return { fate: 'dropped', out: null, reason: `martian source (${martian}): routing drops the packet` };
  }
  const rt = r.run.host.route(p.dst);
  if (rt.type === 'local' || rt.type === 'broadcast') {
    r.event('route', `${rt.type === 'local' ? 'local address' : 'broadcast'}: deliver to the host`);
    return input(r);
  }
  if (rt.type === 'multicast') {
    if (rt.joined) {
      r.event('route', 'multicast group the host is in: deliver');
      return input(r);
    }
    r.event('route', 'multicast group the host did not join: dropped');
    return { fate: 'dropped', out: null, reason: 'multicast to a group no socket joined (and no multicast routing): dropped after PREROUTING' };
  }
  if (!r.run.host.forwarding) {
    r.event('route', 'not for this host, and forwarding is off: the packet vanishes');
    return { fate: 'dropped', out: null, reason: 'forwarding is disabled (net.ipv4.ip_forward=0): packets for other hosts are dropped after PREROUTING without an ICMP error' };
  }
  if (rt.type === 'unreachable') {
    r.event('route', 'no route to the destination');
    sendGenerated(r, makeIcmpError(p, 3, 0, r.run.host));
    return { fate: 'dropped', out: null, reason: 'no route to the destination: the host answers ICMP network unreachable' };
  }
  if (p.ttl <= 1) {
    r.event('route', `forward via ${rt.route.dev}, but TTL ${p.ttl} expires here`);
    sendGenerated(r, makeIcmpError(p, 11, 0, r.run.host));
    return { fate: 'dropped', out: null, reason: 'TTL exceeded in transit: the host answers ICMP time exceeded' };
  }
  p.oif = rt.route.dev;
  p.ttl--;
  r.event('route', `forward via ${rt.route.dev}${rt.route.via !== null ? ` (gateway ${r.run.host.describe(rt.route.via)})` : ''}`);
  // Back out the interface it came in on, to a sender on that link: the host tells it the better hop.
  if (p.iif === rt.route.dev && r.run.host.onLink(p.iif, p.src) && (rt.route.via === null || r.run.host.onLink(p.iif, rt.route.via)) && redirectAllowed(r))
    sendGenerated(r, makeIcmpError(p, 5, 1, r.run.host));
  if (!hook(r, 'FORWARD')) return dropped(r, 'FORWARD');
  if (!hook(r, 'POSTROUTING')) return dropped(r, 'POSTROUTING');
  confirm(r);
  return { fate: 'forwarded', out: p.oif };
}

/// Why routing refuses the source of a packet from the network (ip_route_input_slow, fib_validate_source),
/// or null. Groups in 224.0.0.0/24 are delivered without a look at the source.
function martianSource(p: Packet, host: Host): string | null {
  const linkLocalGroup = p.dst >>> 8 === 0xe00000;
  if (p.src >>> 28 === 14 || p.src === 0xffffffff) return 'a multicast or broadcast address cannot send';
  if (p.src === 0 && p.dst !== 0xffffffff && !linkLocalGroup) return '0.0.0.0 may only send to 255.255.255.255 or a link-local group';
  if (p.src !== 0 && host.isLocal(p.src) && !linkLocalGroup) return 'the host\'s own address, from the network (accept_local is off)';
  return null;
}

function input(r: PacketRun): Outcome {
  if (!hook(r, 'INPUT')) return dropped(r, 'INPUT');
  confirm(r);
  r.event('deliver', 'delivered to a local socket');
  return { fate: 'delivered', out: null };
}

function local(r: PacketRun): Outcome {
  const p = r.pkt;
  let rt = r.run.host.route(p.dst);
  if (r.via !== null) p.oif = r.via;
  else if (rt.type === 'unreachable') {
    return { fate: 'dropped', out: null, reason: 'no route to the destination: the sending process gets "Network is unreachable" and nothing enters netfilter' };
  } else p.oif = rt.type === 'unicast' ? rt.route.dev : rt.dev;
  r.hook = 'OUTPUT';
  r.event('route', p.oif === 'lo' ? 'to a local address: out through lo' : `out via ${p.oif}`);
  const dst = p.dst;
  if (!hook(r, 'OUTPUT')) return dropped(r, 'OUTPUT');
  if (p.dst !== dst) {
    // ip_route_me_harder: a new destination after OUTPUT means a new route.
    rt = r.run.host.route(p.dst);
    if (rt.type === 'unreachable') return { fate: 'dropped', out: null, reason: 'no route to the rewritten destination' };
    p.oif = rt.type === 'unicast' ? rt.route.dev : rt.dev;
    r.event('route', `rerouted after NAT: out via ${p.oif}`);
  }
  if (!hook(r, 'POSTROUTING')) return dropped(r, 'POSTROUTING');
  confirm(r);
  if (p.oif !== 'lo') return { fate: 'sent', out: p.oif };
  // Looped back: the packet comes in on lo with its connection already attached.
  p.iif = 'lo';
  p.oif = null;
  if (!hook(r, 'PREROUTING')) return dropped(r, 'PREROUTING');
  return input(r);
}

/// nf_dup_ipv4 (TEE): an untracked copy routed to the gateway (by `oif` when given), sent at once through
/// OUTPUT and POSTROUTING. In PREROUTING and INPUT its TTL goes down by one, against loops between hosts.
function duplicatePacket(r: PacketRun, gateway: number, oif: string | null): void {
  if (r.run.duplicating) return;
  const host = r.run.host;
  let dev: string;
  if (oif !== null) {
    if (!host.interfaces.has(oif)) return;
    dev = oif;
  } else {
    const rt = host.route(gateway);
    if (rt.type !== 'unicast') return;
    dev = rt.route.dev;
  }
  const copy = clonePacket(r.pkt);
  if (r.hook === 'PREROUTING' || r.hook === 'INPUT') copy.ttl--;
  copy.iif = copy.oif = null;
  copy.uid = copy.gid = null;
  copy.kernelSocket = false;
  r.run.duplicating = true;
  try {
    const res = processPacket(r.run, copy, r.now, { conn: null, state: 'UNTRACKED', dir: 'ORIGINAL' }, dev);
    r.generated.push({ ...res, what: `copy to ${host.describe(gateway)}` });
  } finally {
    r.run.duplicating = false;
  }
}

/// A packet the host sends in answer (SYNPROXY's SYN/ACK): it carries the packet's connection, if any, as an
/// established reply (the kernel attaches it with IP_CT_ESTABLISHED_REPLY).
function answerPacket(r: PacketRun, pkt: Packet, what: string): void {
  const attached: Attached | undefined = r.ct
    ? { conn: r.ct, state: 'ESTABLISHED', dir: r.ctDir === 'ORIGINAL' ? 'REPLY' : 'ORIGINAL' }
    : undefined;
  const res = processPacket(r.run, pkt, r.now, attached);
  r.generated.push({ ...res, what });
}

function sendGenerated(r: PacketRun, g: { pkt: Packet; what: string } | null): void {
  if (!g) return;
  // The reply carries the original's connection (nf_ct_attach), so it passes OUTPUT as RELATED.
  const attached: Attached | undefined = r.ct
    ? { conn: r.ct, state: 'RELATED', dir: r.ctDir === 'ORIGINAL' ? 'REPLY' : 'ORIGINAL' }
    : undefined;
  const res = processPacket(r.run, g.pkt, r.now, attached);
  r.generated.push({ ...res, what: g.what });
}

export function quoteOf(p: Packet): Quoted {
  return { src: p.src, dst: p.dst, proto: p.proto, sport: p.sport, dport: p.dport, icmpType: p.icmpType, icmpId: p.icmpId };
}

export { clonePacket };
