import type { Family } from './addr';

export const IPPROTO = { icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, icmpv6: 58, sctp: 132, udplite: 136 } as const;
export const PROTO_NAMES: Record<number, string> = Object.fromEntries(Object.entries(IPPROTO).map(([k, v]) => [v, k]));

/// TCP flag bits in header order, as the kernel and `--tcp-flags` number them.
export const TCP = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 } as const;
export type TcpFlagName = keyof typeof TCP;

/// The headers an ICMP error quotes.
export interface Quoted {
  src: number;
  dst: number;
  proto: number;
  sport: number;
  dport: number;
  /// ICMP echo id or type when the quoted packet is ICMP.
  icmpType?: number;
  icmpId?: number;
}

/// A packet as the engine moves it through the hooks. Mutable: targets and NAT rewrite it in place, and the
/// simulator snapshots it where a reader needs the before and after.
export interface Packet {
  family: Family;
  src: number;
  dst: number;
  proto: number;
  /// Ports for TCP/UDP/SCTP/UDPLite, 0 otherwise.
  sport: number;
  dport: number;
  /// TCP flags as a bit set of TCP.*.
  flags: number;
  /// TCP option kinds present (for --tcp-option).
  tcpOptions: number[];
  /// The MSS option's value, null without one.
  mss: number | null;
  icmpType: number;
  icmpCode: number;
  /// ICMP echo identifier (conntrack keys echo flows on it).
  icmpId: number;
  /// The packet an ICMP error quotes.
  inner: Quoted | null;
  /// IP total length in bytes (counters count these).
  length: number;
  ttl: number;
  tos: number;
  id: number;
  /// Fragment offset in 8-byte units; non-zero means a later fragment (`-f`).
  fragOffset: number;
  /// More fragments follow (a first fragment has it with offset 0).
  moreFragments: boolean;
  /// skb->mark.
  mark: number;
  iif: string | null;
  oif: string | null;
  /// Link-layer source of an incoming packet.
  macSrc: string | null;
  pkttype: 'host' | 'broadcast' | 'multicast' | 'otherhost';
  /// Payload bytes as a Latin-1 string, for -m string / u32.
  payload: string;
  /// Owner of a locally generated packet.
  uid: number | null;
  gid: number | null;
  /// Sent from the kernel's own ICMP socket (its errors): a socket, but no owner (-m cgroup sees it).
  kernelSocket?: boolean;
}

/// The big-endian unsigned number in payload bytes [at, at + bytes) (a header the packet model carries in
/// its payload: DCCP, ESP, AH), or null when the payload is shorter.
export function payloadUint(payload: string, at: number, bytes: number): number | null {
  if (payload.length < at + bytes) return null;
  let v = 0;
  for (let i = 0; i < bytes; i++) v = v * 256 + (payload.charCodeAt(at + i) & 0xff);
  return v;
}

export function clonePacket(p: Packet): Packet {
  return { ...p, tcpOptions: p.tcpOptions.slice(), inner: p.inner ? { ...p.inner } : null };
}

export function hasPorts(proto: number): boolean {
  return proto === 6 || proto === 17 || proto === 132 || proto === 136;
}

/// A packet with every field at its neutral value; callers set what they need.
export function makePacket(fields: Partial<Packet> = {}): Packet {
  return {
    family: 4, src: 0, dst: 0, proto: 0, sport: 0, dport: 0, flags: 0, tcpOptions: [], mss: null, icmpType: 0, icmpCode: 0,
    icmpId: 0, inner: null, length: 20, ttl: 64, tos: 0, id: 0, fragOffset: 0, moreFragments: false, mark: 0, iif: null, oif: null,
    macSrc: null, pkttype: 'host', payload: '', uid: null, gid: null,
    ...fields,
  };
}
