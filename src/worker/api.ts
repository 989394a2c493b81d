// The engine as the worker serves it: plain, structured-clonable data only. The engine's Ruleset and
// Program hold functions, so everything the UI needs from them (rule spans, canonical text, listings) is
// resolved here, on the worker side.
import { parseRuleset, type InputFormat } from '../engine/parse/index';
import { simulateRuleset } from '../engine/sim/simulate';
import { listTable } from '../engine/print/list';
import { formatRuleSpec } from '../engine/print/save';
import { TABLES, type Ruleset, type TableName } from '../engine/model/ruleset';
import type { Diagnostic, Severity } from '../engine/model/span';
import type { Scenario } from '../engine/model/scenario';
import type { GeneratedResult, PacketResult, TraceStep } from '../engine/model/trace';
import { encodeShareLink, type SharedState } from '../share/share-link';
import { MATCHES, TARGETS } from '../engine/modules/registry';
import type { Module } from '../engine/modules/types';

/// Where a rule sits in the ruleset text (1-based line, offsets for the editor).
export interface RuleSource {
  line: number;
  from: number;
  to: number;
}

export interface StepView extends TraceStep {
  /// The rule that matched, in `iptables-save` form (`-A INPUT -p tcp ... -j ACCEPT`); absent for policies.
  text?: string;
  source?: RuleSource;
}

export interface PacketView extends Omit<PacketResult, 'trace' | 'generated'> {
  trace: StepView[];
  generated?: GeneratedView[];
}

export interface GeneratedView extends PacketView {
  what: GeneratedResult['what'];
}

export interface ChainInfo {
  name: string;
  builtin: boolean;
  policy: string | null;
  rules: number;
}

/// Diagnostics past this many are counted, not sent: a broken 100k-rule dump must not cost the main thread
/// a hundred thousand objects to deserialize.
export const MAX_DIAGNOSTICS = 1000;

export interface Analysis {
  format: InputFormat;
  /// The first MAX_DIAGNOSTICS, in text order.
  diagnostics: Diagnostic[];
  /// All of them, by severity.
  counts: Record<Severity, number>;
  /// The tables the ruleset declares, in kernel order, with their chains.
  tables: { name: TableName; chains: ChainInfo[] }[];
}

export interface RunOutput extends Analysis {
  packets: PacketView[];
  /// `iptables-save -c` after the run.
  counters: string;
  /// `iptables -L -n -v --line-numbers` per table, with the run's counters.
  listings: { table: TableName; text: string }[];
  unsimulated: Record<string, string>;
  /// A scenario the engine refused (bad host or packet), with the path of the field.
  error: string | null;
  millis: number;
}

/// What the editor offers in completion and hover, straight from the module registry.
export interface ModuleInfo {
  name: string;
  help: string;
  options: { name: string; aliases: string[]; help: string; values: string[]; invert: boolean; args: number }[];
}

export interface Vocabulary {
  matches: ModuleInfo[];
  targets: ModuleInfo[];
}

function moduleInfo(m: Module): ModuleInfo {
  return {
    name: m.name, help: m.help,
    options: m.options.map((o) => ({ name: o.name, aliases: [...(o.aliases ?? [])], help: o.help, values: [...(o.values ?? [])], invert: o.invert ?? false, args: o.args ?? 1 })),
  };
}

export type Phase = 'parse' | 'simulate' | 'print';
export type ProgressHook = (phase: Phase) => void;

function summarize(diagnostics: Diagnostic[]): Pick<Analysis, 'diagnostics' | 'counts'> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return { diagnostics: diagnostics.slice(0, MAX_DIAGNOSTICS), counts };
}

function tablesOf(rs: Ruleset): Analysis['tables'] {
  return TABLES.filter((t) => rs.tables.has(t)).map((name) => ({
    name,
    chains: [...rs.tables.get(name)!.chains.values()].map((c) => ({ name: c.name, builtin: c.builtin, policy: c.policy, rules: c.rules.length })),
  }));
}

function stepView(rs: Ruleset, step: TraceStep): StepView {
  const rule = step.rule === null ? undefined : rs.tables.get(step.table)?.chains.get(step.chain)?.rules[step.rule - 1];
  if (!rule) return { ...step };
  const spec = formatRuleSpec(rule);
  return { ...step, text: `-A ${rule.chain}${spec ? ' ' + spec : ''}`, source: { line: rule.span.line, from: rule.span.from, to: rule.span.to } };
}

function packetView(rs: Ruleset, p: PacketResult): PacketView {
  const { trace, generated, ...rest } = p;
  const view: PacketView = { ...rest, trace: trace.map((s) => stepView(rs, s)) };
  if (generated) view.generated = generated.map((g) => ({ ...packetView(rs, g), what: g.what }));
  return view;
}

export const api = {
  /// Parse only: diagnostics and the ruleset's shape, for feedback while typing.
  analyze(text: string): Analysis {
    const { ruleset, diagnostics, format } = parseRuleset(text);
    return { format, ...summarize(diagnostics), tables: tablesOf(ruleset) };
  },

  /// Parse and simulate a whole scenario; a scenario the engine refuses comes back as `error`, not a throw.
  run(scenario: Scenario, opts: { seed?: number } = {}, progress?: ProgressHook): RunOutput {
    const start = performance.now();
    progress?.('parse');
    const { ruleset, diagnostics, format } = parseRuleset(scenario.rules ?? '');
    const out: RunOutput = {
      format, ...summarize(diagnostics), tables: tablesOf(ruleset), packets: [], counters: '',
      listings: [], unsimulated: {}, error: null, millis: 0,
    };
    try {
      progress?.('simulate');
      const sim = simulateRuleset(ruleset, scenario, opts);
      progress?.('print');
      out.packets = sim.packets.map((p) => packetView(ruleset, p));
      out.counters = sim.counters;
      out.unsimulated = sim.unsimulated;
      const counters = { rule: (r: Parameters<typeof sim.program.ruleCounters>[0]) => sim.program.ruleCounters(r), policy: (t: TableName, c: string) => sim.program.chainCounters(t, ruleset.tables.get(t)!.chains.get(c)!) };
      out.listings = out.tables.map(({ name }) => ({ table: name, text: listTable(ruleset, name, counters, { lineNumbers: true }) }));
    } catch (e) {
      out.error = e instanceof Error ? e.message : String(e);
    }
    out.millis = performance.now() - start;
    return out;
  },

  vocabulary(): Vocabulary {
    return { matches: MATCHES.map(moduleInfo), targets: TARGETS.map(moduleInfo) };
  },

  /// The share link's fragment for a state: serialising and compressing a big ruleset is work the main
  /// thread should not do while someone types.
  shareLink(state: SharedState): Promise<string> {
    return encodeShareLink(state);
  },
};

export type EngineApi = typeof api;
