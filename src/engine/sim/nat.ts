// NAT as conntrack does it: the nat chains decide a binding on a connection's first packet; every later
// packet of the connection, both ways, is rewritten from the binding.
import type { Conn, CtDir, Tuple } from '../model/conntrack';
import { hasPorts, type Packet } from '../model/packet';
import type { Hook } from '../model/ruleset';
import type { NatRequest } from '../modules/types';
import { invert, type ConnTable } from './conntrack';
import type { Host } from './host';
import { pickAddress } from './jhash';

export type Manip = 'src' | 'dst';

/// PREROUTING and OUTPUT change destinations; INPUT and POSTROUTING change sources.
export function manipOf(hook: Hook): Manip {
  return hook === 'PREROUTING' || hook === 'OUTPUT' ? 'dst' : 'src';
}

/// Rewrites a packet of an already bound connection (nf_nat_packet).
export function applyBinding(pkt: Packet, conn: Conn, dir: CtDir, manip: Manip): boolean {
  const ports = hasPorts(pkt.proto);
  if (manip === 'dst') {
    if (dir === 'ORIGINAL' && conn.dnat) return set(pkt, 'dst', conn.reply.src, ports ? conn.reply.sport : null);
    if (dir === 'REPLY' && conn.snat) return set(pkt, 'dst', conn.orig.src, ports ? conn.orig.sport : null);
  } else {
    if (dir === 'ORIGINAL' && conn.snat) return set(pkt, 'src', conn.reply.dst, ports ? conn.reply.dport : null);
    if (dir === 'REPLY' && conn.dnat) return set(pkt, 'src', conn.orig.dst, ports ? conn.orig.dport : null);
  }
  return false;
}

function set(pkt: Packet, which: Manip, addr: number, port: number | null): boolean {
  const before = which === 'src' ? [pkt.src, pkt.sport] : [pkt.dst, pkt.dport];
  if (which === 'src') {
    pkt.src = addr;
    if (port !== null) pkt.sport = port;
  } else {
    pkt.dst = addr;
    if (port !== null) pkt.dport = port;
  }
  return before[0] !== addr || (port !== null && before[1] !== port);
}

/// A NAT target's request, turned into the connection's binding, applied to its first packet.
/// Ports follow get_unique_tuple: a source port already in the range and unused is kept; otherwise the
/// first free one from the bottom of the range (the kernel starts SNAT's search at a random offset, so
/// recordings avoid depending on which free port it takes).
export function bind(req: NatRequest, pkt: Packet, conn: Conn, hook: Hook, host: Host, table: ConnTable): void {
  const manip = manipOf(hook);
  const ports = hasPorts(pkt.proto);
  let addr: number;
  let range: { min: number; max: number } | null = null;
  switch (req.kind) {
    case 'dnat':
    case 'snat': {
      // A source already mapped keeps its address (find_appropriate_src); otherwise the hash decides.
      const prior = manip === 'src' ? [...table.all()].find((c) => c !== conn && c.snat && c.orig.src === pkt.src && c.reply.dst >= req.minAddr && c.reply.dst <= req.maxAddr) : undefined;
      addr = prior ? prior.reply.dst : pickAddress(req.minAddr, req.maxAddr, conn.orig.src, conn.orig.dst, req.persistent, conn.zone);
      if (req.minPort) range = { min: req.minPort, max: req.maxPort || req.minPort };
      break;
    }
    case 'masquerade': {
      const r = host.route(pkt.dst);
      addr = (r.type === 'unicast' && r.route.dev === pkt.oif ? r.route.src : null) ?? host.primaryAddress(pkt.oif ?? '') ?? pkt.src;
      if (req.minPort) range = { min: req.minPort, max: req.maxPort || req.minPort };
      break;
    }
    case 'redirect':
      addr = hook === 'OUTPUT' ? 0x7f000001 : host.primaryAddress(pkt.iif ?? '') ?? pkt.dst;
      if (req.minPort) range = { min: req.minPort, max: req.maxPort || req.minPort };
      break;
    case 'netmap': {
      const cur = manip === 'dst' ? pkt.dst : pkt.src;
      addr = ((req.addr & req.mask) | (cur & ~req.mask)) >>> 0;
      break;
    }
  }
  const orig: Tuple = { ...conn.orig };
  // The tuple the packet will have in the original direction once this manip is done.
  const now: Tuple = invert(conn.reply);
  if (manip === 'dst') now.dst = addr;
  else now.src = addr;
  if (ports) {
    const key = manip === 'dst' ? 'dport' : 'sport';
    const unique = () => !table.taken(invert(now), conn.zone);
    const current = now[key];
    if (range && (current < range.min || current > range.max || !unique())) {
      let p = range.min;
      now[key] = p;
      while (!unique() && p < range.max) now[key] = ++p;
    } else if (!range && !unique() && manip === 'src') {
      // A clash with no port range: the kernel moves the source port (at random; here, upward).
      while (!unique() && now.sport < 65535) now.sport++;
    }
  }
  set(pkt, manip, manip === 'dst' ? now.dst : now.src, ports ? (manip === 'dst' ? now.dport : now.sport) : null);
  conn.reply = invert(now);
  if (manip === 'dst') conn.dnat = conn.dnat || now.dst !== orig.dst || now.dport !== orig.dport;
  else conn.snat = conn.snat || now.src !== orig.src || now.sport !== orig.sport;
}
