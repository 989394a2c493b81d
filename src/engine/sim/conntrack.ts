// The connection tracking table: how the kernel classifies each packet as NEW, ESTABLISHED, RELATED,
// INVALID or UNTRACKED, and the TCP state machine that decides which segments are valid.
import type { Conn, CtDir, CtState, TcpCtState, Tuple } from '../model/conntrack';
import { TCP, type Packet, type Quoted } from '../model/packet';

/// ICMP queries conntrack follows, with the type of their reply.
const ICMP_REPLY: Record<number, number> = { 8: 0, 13: 14, 15: 16, 17: 18 };
/// ICMP types that carry the header of the packet they are about.
export const ICMP_ERRORS = new Set([3, 4, 5, 11, 12]);

export interface Lookup {
  state: CtState;
  dir: CtDir;
  conn: Conn | null;
  /// A connection made by this packet, entered in the table only when the packet is confirmed.
  fresh: boolean;
}

/// Connections are keyed by zone too: the same tuple in two zones is two connections (CT --zone).
const key = (t: Tuple, zone = 0) => `${zone}|${t.src}|${t.dst}|${t.proto}|${t.sport}|${t.dport}`;

/// Requests and replies both ways, for inverting tuples.
const ICMP_PAIR: Record<number, number> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17 };

export function invert(t: Tuple): Tuple {
  const reply = t.proto === 1 ? ICMP_PAIR[t.dport] ?? t.dport : t.dport;
  return { src: t.dst, dst: t.src, proto: t.proto, sport: t.proto === 1 ? t.sport : t.dport, dport: t.proto === 1 ? reply : t.sport };
}

export function tupleOf(p: Packet | Quoted): Tuple {
  if (p.proto === 1) return { src: p.src, dst: p.dst, proto: 1, sport: p.icmpId ?? 0, dport: p.icmpType ?? 0 };
  const ports = p.proto === 6 || p.proto === 17 || p.proto === 132 || p.proto === 136;
  return { src: p.src, dst: p.dst, proto: p.proto, sport: ports ? p.sport : 0, dport: ports ? p.dport : 0 };
}

// The kernel's TCP transition table (nf_conntrack_proto_tcp.c), by direction, segment kind and state.
// Columns: NONE SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT CLOSE SYN_SENT2.
// IV marks an invalid segment, IG one the kernel ignores (state unchanged, packet passes with its ct).
type Next = TcpCtState | 'IV' | 'IG';
const COLS: TcpCtState[] = ['NONE', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE', 'SYN_SENT2'];
const [NO, SS, SR, ES, FW, CW, LA, TW, CL, S2] = COLS;
const IV = 'IV', IG = 'IG';
const TABLE: Record<CtDir, Record<string, Next[]>> = {
  ORIGINAL: {
    syn: [SS, SS, IG, IG, IG, IG, IG, SS, SS, S2],
    synack: [IV, IV, SR, IV, IV, IV, IV, IV, IV, SR],
    fin: [IV, IV, FW, FW, LA, LA, LA, TW, CL, IV],
    ack: [ES, IV, ES, ES, CW, CW, TW, TW, CL, IV],
    rst: [IV, CL, CL, CL, CL, CL, CL, CL, CL, CL],
    none: [IV, IV, IV, IV, IV, IV, IV, IV, IV, IV],
  },
  REPLY: {
    syn: [IV, S2, IV, IV, IV, IV, IV, SS, IV, S2],
    synack: [IV, SR, IG, IG, IG, IG, IG, IG, IG, SR],
    fin: [IV, IV, FW, FW, LA, LA, LA, TW, CL, IV],
    ack: [IV, IG, SR, ES, CW, CW, TW, TW, CL, IG],
    rst: [IV, CL, CL, CL, CL, CL, CL, CL, CL, CL],
    none: [IV, IV, IV, IV, IV, IV, IV, IV, IV, IV],
  },
};

function segmentKind(flags: number): string {
  if (flags & TCP.RST) return 'rst';
  if (flags & TCP.SYN) return flags & TCP.ACK ? 'synack' : 'syn';
  if (flags & TCP.FIN) return 'fin';
  if (flags & TCP.ACK) return 'ack';
  return 'none';
}

/// Flag combinations a TCP segment may carry at all (ECE and CWR aside); others are INVALID outright.
const VALID_FLAGS = new Set([
  TCP.SYN, TCP.SYN | TCP.URG, TCP.SYN | TCP.ACK, TCP.RST, TCP.RST | TCP.ACK, TCP.RST | TCP.ACK | TCP.PSH,
  TCP.FIN | TCP.ACK, TCP.FIN | TCP.ACK | TCP.URG, TCP.ACK, TCP.ACK | TCP.URG, TCP.ACK | TCP.PSH,
  TCP.ACK | TCP.PSH | TCP.URG, TCP.FIN | TCP.ACK | TCP.PSH, TCP.FIN | TCP.ACK | TCP.PSH | TCP.URG,
]);

/// The kernel's default timeouts in seconds (nf_conntrack_*_timeout sysctls), by protocol and state.
const TCP_TIMEOUT: Record<TcpCtState, number> = {
  NONE: 0, SYN_SENT: 120, SYN_RECV: 60, ESTABLISHED: 432000, FIN_WAIT: 120, CLOSE_WAIT: 60, LAST_ACK: 30,
  TIME_WAIT: 120, CLOSE: 10, SYN_SENT2: 120,
};

/// How long an idle connection lives: then the kernel forgets it and its next packet starts over.
export function timeoutOf(c: Conn): number {
  switch (c.orig.proto) {
    case 6:
      return TCP_TIMEOUT[c.tcpState];
    case 17:
    case 136:
      return c.seenReply ? (c.assured ? 180 : 120) : 30;
    case 1:
      return 30;
    default:
      return 600;
  }
}

/// Conntrack accounting: the protocol handler counts every packet it accepts for the connection, in its
/// direction (nf_ct_refresh_acct); an ICMP error about the connection, or a TCP segment it ignores, is not.
function count(conn: Conn, dir: CtDir, pkt: Packet): void {
  const c = (conn.counters ??= { packets: [0, 0], bytes: [0, 0] });
  const d = dir === 'ORIGINAL' ? 0 : 1;
  c.packets[d]++;
  c.bytes[d] += pkt.length;
}

export class ConnTable {
  private byTuple = new Map<string, { conn: Conn; dir: CtDir }>();
  private nextId = 1;

  all(): Iterable<Conn> {
    return new Set([...this.byTuple.values()].map((e) => e.conn));
  }

  /// The live connection with this tuple; one idle past its timeout is gone.
  find(t: Tuple, now?: number, zone = 0): { conn: Conn; dir: CtDir } | undefined {
    const hit = this.byTuple.get(key(t, zone));
    if (hit && now !== undefined && now - hit.conn.lastSeen > timeoutOf(hit.conn)) {
      this.remove(hit.conn);
      return undefined;
    }
    return hit;
  }

  /// nf_conntrack_in: classify the packet and update its connection's protocol state.
  lookup(pkt: Packet, now: number, zone = 0): Lookup {
    if (pkt.proto === 1 && ICMP_ERRORS.has(pkt.icmpType)) {
      // An error is RELATED to the connection of the packet it quotes, seen from the other side.
      const hit = pkt.inner ? this.find(invert(tupleOf(pkt.inner)), now, zone) : undefined;
      if (!hit) return { state: 'INVALID', dir: 'ORIGINAL', conn: null, fresh: false };
      return { state: 'RELATED', dir: hit.dir, conn: hit.conn, fresh: false };
    }
    if (pkt.proto === 6 && !VALID_FLAGS.has(pkt.flags & 0x3f)) return { state: 'INVALID', dir: 'ORIGINAL', conn: null, fresh: false };
    const t = tupleOf(pkt);
    const hit = this.find(t, now, zone);
    if (hit) {
      const { conn, dir } = hit;
      if (pkt.proto === 6) {
        const kind = segmentKind(pkt.flags);
        const next = TABLE[dir][kind][COLS.indexOf(conn.tcpState)];
        if (next === IV) return { state: 'INVALID', dir, conn: null, fresh: false };
        if (next !== IG) {
          // A SYN reopening a closed connection starts it anew (the kernel kills the old entry).
          if (dir === 'ORIGINAL' && kind === 'syn' && (conn.tcpState === 'TIME_WAIT' || conn.tcpState === 'CLOSE')) {
            this.remove(conn);
            return this.create(pkt, t, now);
          }
          if (conn.tcpState === 'SYN_RECV' && next === 'ESTABLISHED') conn.assured = true;
          conn.tcpState = next;
          count(conn, dir, pkt);
        }
      } else count(conn, dir, pkt);
      conn.lastSeen = now;
      const state: CtState = dir === 'REPLY' ? 'ESTABLISHED' : conn.seenReply ? 'ESTABLISHED' : conn.expected ? 'RELATED' : 'NEW';
      if (dir === 'REPLY' && !conn.seenReply) conn.seenReply = true;
      // UDP becomes a stream (assured) when it sees traffic again after the reply.
      else if (dir === 'ORIGINAL' && conn.seenReply && pkt.proto === 17) conn.assured = true;
      return { state, dir, conn, fresh: false };
    }
    if (pkt.proto === 1 && !(pkt.icmpType in ICMP_REPLY)) return { state: 'INVALID', dir: 'ORIGINAL', conn: null, fresh: false };
    if (pkt.proto === 6) {
      const next = TABLE.ORIGINAL[segmentKind(pkt.flags)][0];
      if (next === IV || next === IG) return { state: 'INVALID', dir: 'ORIGINAL', conn: null, fresh: false };
    }
    return this.create(pkt, t, now);
  }

  private create(pkt: Packet, t: Tuple, now: number): Lookup {
    const conn: Conn = {
      id: this.nextId++, family: 4, orig: t, reply: invert(t), seenReply: false, assured: false, confirmed: false,
      expected: false, natDone: { src: false, dst: false }, snat: false, dnat: false,
      tcpState: pkt.proto === 6 ? (TABLE.ORIGINAL[segmentKind(pkt.flags)][0] as TcpCtState) : 'NONE',
      mark: 0, helper: null, zone: 0, created: now, lastSeen: now,
      counters: { packets: [1, 0], bytes: [pkt.length, 0] },
    };
    return { state: 'NEW', dir: 'ORIGINAL', conn, fresh: true };
  }

  /// The packet left the host (or reached a socket): its new connection becomes visible to later packets.
  confirm(conn: Conn): void {
    if (conn.confirmed) return;
    conn.confirmed = true;
    this.byTuple.set(key(conn.orig, conn.zone), { conn, dir: 'ORIGINAL' });
    this.byTuple.set(key(conn.reply, conn.zone), { conn, dir: 'REPLY' });
  }

  /// NAT changed the reply tuple of an unconfirmed connection.
  setReply(conn: Conn, reply: Tuple): void {
    conn.reply = reply;
  }

  /// Is this reply tuple already some confirmed connection's? (NAT must then pick another port.)
  /// Is this tuple some confirmed connection's in the zone? (NAT then picks another port.)
  taken(t: Tuple, zone = 0): boolean {
    return this.byTuple.has(key(t, zone));
  }

  private remove(conn: Conn): void {
    this.byTuple.delete(key(conn.orig, conn.zone));
    this.byTuple.delete(key(conn.reply, conn.zone));
  }
}
