// NAT as conntrack does it: the nat chains decide a binding on a connection's first packet; every later
// packet of the connection, both ways, is rewritten from the binding.
import type { Conn, CtDir, Tuple } from '../model/conntrack';
import { hasPorts, type Packet } from '../model/packet';
import type { Hook } from '../model/ruleset';
import type { NatRequest } from '../modules/types';
import { invert, type ConnTable } from './conntrack';
import type { Host } from './host';

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
export function bind(req: NatRequest, pkt: Packet, conn: Conn, hook: Hook, host: Host, table: ConnTable): void {
  const manip = manipOf(hook);
  const ports = hasPorts(pkt.proto);
  let addr: number, port: number | null = null;
  switch (req.kind) {
    case 'dnat':
    case 'snat':
      addr = req.minAddr;
      if (ports && req.minPort) port = req.minPort;
      break;
    case 'masquerade': {
      const r = host.route(pkt.dst);
      addr = (r.type === 'unicast' && r.route.dev === pkt.oif ? r.route.src : null) ?? host.primaryAddress(pkt.oif ?? '') ?? pkt.src;
      if (ports && req.minPort) port = req.minPort;
      break;
    }
    case 'redirect':
      addr = hook === 'OUTPUT' ? 0x7f000001 : host.primaryAddress(pkt.iif ?? '') ?? pkt.dst;
      if (ports && req.minPort) port = req.minPort;
      break;
    case 'netmap': {
      const cur = manip === 'dst' ? pkt.dst : pkt.src;
      addr = ((req.addr & req.mask) | (cur & ~req.mask)) >>> 0;
      break;
    }
  }
  set(pkt, manip, addr, port);
  const orig: Tuple = { ...conn.orig };
  // The tuple the packet now has, in the original direction, once both manips are done.
  const now: Tuple = invert(conn.reply);
  if (manip === 'dst') [now.dst, now.dport] = [pkt.dst, ports ? pkt.dport : now.dport];
  else [now.src, now.sport] = [pkt.src, ports ? pkt.sport : now.sport];
  let reply = invert(now);
  // Another connection already owns that reply tuple: pick the next free source port, as the kernel must.
  if (manip === 'src' && ports) {
    while (table.taken(reply) && reply.dport < 65535) {
      now.sport++;
      pkt.sport = now.sport;
      reply = invert(now);
    }
  }
  conn.reply = reply;
  if (manip === 'dst') conn.dnat = conn.dnat || now.dst !== orig.dst || now.dport !== orig.dport;
  else conn.snat = conn.snat || now.src !== orig.src || now.sport !== orig.sport;
}
