// What the pipeline runs at each hook, whatever the rules came from: iptables tables in HOOK_TABLES order
// (program.ts), or nftables base chains sorted by priority (src/nft/sim). The pipeline owns routing,
// conntrack, NAT bindings and generated packets; a HookProgram only says which chains run where.
import type { Packet } from '../model/packet';
import type { Hook } from '../model/ruleset';
import type { MatchContext } from '../modules/types';
import type { RunNotes } from './compile';
import type { Verdict, WalkSink } from './walk';

/// One base chain: the table name the trace gives it, and its walk to a verdict (ctx.hook is the hook).
export interface HookChain {
  /// An iptables TableName, or for nftables the table's own name (see TraceStep.table).
  table: string;
  walk(pkt: Packet, ctx: MatchContext, sink: WalkSink): Verdict;
}

/// A hook's stages in priority order: the conntrack lookup, a chain, or the NAT core, which runs its
/// chains (in their order) on a connection's first packet until one of them binds.
export type Stage =
  | { kind: 'conntrack' }
  | { kind: 'chain'; chain: HookChain }
  | { kind: 'nat'; chains: readonly HookChain[] };

export interface HookProgram {
  readonly stages: Readonly<Record<Hook, readonly Stage[]>>;
  /// Parts of the rules the run evaluated without simulating them, with the reason.
  readonly notes: RunNotes;
  /// The ruleset with its counters after the run, as the ruleset's own tool lists it.
  counters(): string;
}
