import type { CtState } from './conntrack';
import type { Hook } from './ruleset';

/// DESIGN.md section 3 (fixed).
export type Fate = 'delivered' | 'forwarded' | 'sent' | 'dropped' | 'rejected';

export interface Header {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
}

/// `T`: what names the tables. The iptables simulator's results name iptables tables (TableName); the
/// nftables simulator's (src/nft/sim) the nft tables' own names, whatever they are.
export interface TraceStep<T extends string = string> {
  table: T;
  chain: string;
  /// 1-based position in its chain; null for a policy or an implicit return.
  rule: number | null;
  /// ACCEPT, DROP, REJECT, CONTINUE, JUMP:<chain>, GOTO:<chain>, RETURN, policy:<P>, return, or a NAT target's name.
  verdict: string;
  /// Extensions (readers ignore them): the hook the chain runs in, and a LOG target's line.
  hook?: Hook;
  log?: string;
  /// Header before and after a rewrite done by this step (NAT, TTL, TOS ...).
  before?: Header;
  after?: Header;
  /// With `explain`: the rules of this chain before this step that the packet did not match, and why
  /// (nft rules: `span`, where the expression that failed is written, 1-based, the end exclusive).
  skipped?: { rule: number; why: string; span?: { line: number; column: number; endLine: number; endColumn: number } }[];
}

export interface PacketResult<T extends string = string> {
  fate: Fate;
  out: string | null;
  /// null when the packet never reached conntrack (dropped in raw, held for reassembly, never sent).
  ctState: CtState | null;
  trace: TraceStep<T>[];
  final: Header | null;
  generated?: GeneratedResult<T>[];
  /// Extensions: why the packet ended where it did when no rule says it (no route, forwarding off, TTL).
  reason?: string;
  /// Every routing decision and conntrack event, for the diagram.
  events?: PathEvent[];
}

export interface GeneratedResult<T extends string = string> extends PacketResult<T> {
  /// What was generated: "tcp RST", "icmp 3/3" ...
  what: string;
}

/// A point on the packet's path that is not a rule: a routing decision, a conntrack lookup, a NAT rewrite.
export interface PathEvent {
  kind: 'route' | 'conntrack' | 'nat' | 'hook' | 'deliver' | 'egress' | 'drop';
  hook?: Hook;
  /// Index into `trace` at which it happened (events before step `at`).
  at: number;
  detail: string;
}

export interface SimResult<T extends string = string> {
  packets: PacketResult<T>[];
  /// `iptables-save -c` after the run.
  counters: string;
}
