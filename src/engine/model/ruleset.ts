import type { Cidr } from './addr';
import type { Span, Diagnostic } from './span';
import type { MatchModule, TargetModule } from '../modules/types';

export const TABLES = ['raw', 'mangle', 'nat', 'filter', 'security'] as const;
export type TableName = (typeof TABLES)[number];
export const HOOKS = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'] as const;
export type Hook = (typeof HOOKS)[number];

/// The built-in chains of each table, in the order iptables-save lists them.
export const BUILTIN_CHAINS: Record<TableName, readonly Hook[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export interface Counters {
  packets: number;
  bytes: number;
}

export interface Iface {
  name: string;
  /// `eth+` matches every name starting with `eth`.
  wildcard: boolean;
}

/// A match as a rule uses it. Its span is the rule's to give (matchSpan): matches are many, their spans
/// seldom read.
export interface MatchUse {
  module: MatchModule;
  options: unknown;
  /// Loaded by `-p tcp --dport 22` without `-m tcp`.
  implicit: boolean;
}

export type TargetUse =
  | { kind: 'none' }
  | { kind: 'verdict'; verdict: 'ACCEPT' | 'DROP' | 'RETURN' }
  | { kind: 'jump'; chain: string; goto: boolean }
  | { kind: 'module'; module: TargetModule; options: unknown };

/// One clause of a rule header or match, kept for explanations and editor highlights.
export interface Clause {
  /// `-s`, `-p`, `--dport` ...
  option: string;
  span: Span;
}

export interface Rule {
  /// Unique within the ruleset; runtime state (limit buckets, nth counters) is keyed on it.
  id: number;
  table: TableName;
  chain: string;
  src: Cidr | null;
  srcInv: boolean;
  dst: Cidr | null;
  dstInv: boolean;
  iif: Iface | null;
  iifInv: boolean;
  oif: Iface | null;
  oifInv: boolean;
  /// 0 means any protocol.
  proto: number;
  protoInv: boolean;
  /// `-f` true, `! -f` false, absent null.
  fragment: boolean | null;
  matches: MatchUse[];
  target: TargetUse;
  /// Target span (`-j X ...`), null when the rule has no target.
  targetSpan: Span | null;
  counters: Counters;
  span: Span;
  clauses: Clause[];
  /// The span of matches[k]: from `-m name` (or its first option, when loaded by -p) up to its last option.
  matchSpan(k: number): Span;
}

export interface Chain {
  name: string;
  builtin: boolean;
  /// Built-in chains only.
  policy: 'ACCEPT' | 'DROP' | null;
  /// A built-in chain exists in the kernel (is hooked) only once a command touched it: a restore file's
  /// `:CHAIN` line, or -A, -I, -R, -P on it. iptables-save still lists the others, with policy ACCEPT.
  registered: boolean;
  /// The policy counter counts only once a policy was set (-P, or a restore file's :CHAIN line): a chain
  /// that `iptables -A` created has no counters in the kernel, and iptables-save shows [0:0] for it.
  counted: boolean;
  /// Policy counters of a built-in chain (what `:INPUT DROP [p:b]` shows).
  counters: Counters;
  rules: Rule[];
  span: Span | null;
}

export interface Table {
  name: TableName;
  /// Insertion order is the order iptables-save prints: built-ins first, then user chains sorted.
  chains: Map<string, Chain>;
}

export interface Ruleset {
  family: 4;
  tables: Map<TableName, Table>;
  diagnostics: Diagnostic[];
}
