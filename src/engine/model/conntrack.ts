import type { Family } from './addr';

export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';
export type CtDir = 'ORIGINAL' | 'REPLY';

/// A connection's direction as conntrack keys it. For ICMP, `sport` is the echo id and `dport` the type.
export interface Tuple {
  src: number;
  dst: number;
  proto: number;
  sport: number;
  dport: number;
}

export type TcpCtState = 'NONE' | 'SYN_SENT' | 'SYN_RECV' | 'ESTABLISHED' | 'FIN_WAIT' | 'CLOSE_WAIT' | 'LAST_ACK' | 'TIME_WAIT' | 'CLOSE' | 'SYN_SENT2';

/// A conntrack entry. `orig` is the tuple of the first packet as it arrived; `reply` the tuple replies carry,
/// with NAT already applied (that is how the kernel stores it, and how replies are found and de-NATed).
export interface Conn {
  id: number;
  family: Family;
  orig: Tuple;
  reply: Tuple;
  seenReply: boolean;
  assured: boolean;
  confirmed: boolean;
  /// Set for connections a helper expected (RELATED data channels).
  expected: boolean;
  /// The NAT done on this connection, once decided (nat chains are consulted once per manip type).
  natDone: { src: boolean; dst: boolean };
  snat: boolean;
  dnat: boolean;
  tcpState: TcpCtState;
  mark: number;
  helper: string | null;
  zone: number;
  /// Scenario clock (seconds) of creation and last packet.
  created: number;
  lastSeen: number;
  /// Conntrack accounting (nf_conntrack_acct, -m connbytes): packets and IP bytes counted so far,
  /// [original, reply].
  counters?: { packets: [number, number]; bytes: [number, number] };
}
