// The nftables preview's simulation, worker side: the scenario's packets through the iptables rules and
// through the translation the preview shows (one mode), or through the scenario's own `nft` ruleset when
// it has one, compared packet by packet as src/nft/equivalence compares them (fate, egress, final header,
// generated replies). Every packet's outcome crosses, not only the differences, so the view can show both
// columns; each step carries its rule's text and line.
// Why the rules before an nft step did not match is asked for one step at a time (explainNftStep): the
// last simulation is run again up to that packet, explaining only the walks that can hold the step. A
// rerun from the start reaches the same state, and explaining runs nothing that keeps state (limits,
// quotas, set updates: src/nft/sim/explain.ts), so the step it explains is the one the user saw. A step
// of a packet the host generated (a REJECT's reply, a TEE copy) is found the same way: it goes out while
// its packet is sent, with a trace of its own.
import { parseRuleset } from '../engine/parse/index';
import { formatRuleSpec } from '../engine/print/save';
import { ProgramRun, simulateRuleset } from '../engine/sim/simulate';
import type { HookChain, HookProgram, Stage } from '../engine/sim/hook-program';
import type { WalkSink } from '../engine/sim/walk';
import { HOOKS, type Hook, type Ruleset, type TableName } from '../engine/model/ruleset';
import type { Scenario } from '../engine/model/scenario';
import type { Fate, Header, PacketResult, TraceStep } from '../engine/model/trace';
import type { CtState } from '../engine/model/conntrack';
import { compareResults, type Aspect } from '../nft/equivalence';
import type { NftRuleset } from '../nft/parse/ruleset';
import { lineStarts } from '../nft/parse/shell';
import type { NftToken } from '../nft/parse/tokens';
import { withExplainBudget, type TextSpan } from '../nft/sim/explain';
import { NftProgram } from '../nft/sim/program';
import { simulateNft } from '../nft/sim/simulate';
import { translateRuleset } from '../nft/translate';
import type { NftMode } from './nft-preview';

export type { Aspect } from '../nft/equivalence';

/// Packets whose comparison is sent in full; past it, only the differing ones (up to as many again).
export const SIM_PACKETS = 500;
/// nft simulator errors listed (there should be none: they are the translator's bugs).
const SIM_ERRORS = 20;

export interface SimStep {
  /// An iptables table, or the nft table's own name.
  table: string;
  chain: string;
  rule: number | null;
  verdict: string;
  /// The rule as written: `-A INPUT ... -j ACCEPT`, or the nft rule's statements.
  text?: string;
  /// Its line: in the iptables rules, or in the translation's text (the preview's right pane).
  line?: number;
}

export interface Outcome {
  fate: Fate;
  out: string | null;
  final: Header | null;
  ctState: CtState | null;
  reason?: string;
  steps: SimStep[];
  /// Index into `steps` of the step that settled the fate: the last terminating verdict (null: no step).
  decided: number | null;
  /// What the host sent because of it (a REJECT's reply, a TEE copy), each with its own steps; its steps
  /// are explained as `{ packet, generated: k, step }`.
  generated: GeneratedOutcome[];
}

export interface GeneratedOutcome {
  what: string;
  fate: Fate;
  out: string | null;
  final: Header | null;
  steps: SimStep[];
  /// As Outcome's: the step that settled this packet's fate.
  decided: number | null;
}

export interface PacketComparison {
  /// Index into the scenario's packets.
  index: number;
  iptables: Outcome;
  nft: Outcome;
  /// What differs; empty when the packet ends the same.
  aspects: Aspect[];
  /// Source lines of untranslated rules the iptables run matched for this packet (or its replies):
  /// the likely cause of a difference, since the translation lacks them.
  untranslated: number[];
}

export interface NftSimulation {
  /// This simulation, for explainNftStep.
  id: number;
  mode: NftMode;
  /// What the packets went through on the nft side: the translation in `mode`, or the scenario's `nft`.
  source: 'translation' | 'scenario';
  /// Packets in the scenario.
  total: number;
  /// How many end differently.
  differing: number;
  /// The first SIM_PACKETS comparisons, then differing ones.
  packets: PacketComparison[];
  /// Rules the translation left out (as comments).
  untranslated: number;
  /// The iptables rules have errors: nothing was compared.
  iptablesErrors: number;
  /// Errors of the nft simulator reading the translation (or the scenario's nft), as `line N, column C: message`.
  nftErrors: string[];
  /// Parts of either run that were evaluated without being simulated, with the reason.
  unsimulated: Record<string, string>;
  /// The translator or a simulator failed (a bug, not the ruleset's fault).
  error: string | null;
  millis: number;
}

const STOPS = /^(CONTINUE|JUMP:|GOTO:|return)/;

function decided(steps: readonly SimStep[]): number | null {
  for (let i = steps.length - 1; i >= 0; i--) if (!STOPS.test(steps[i].verdict)) return i;
  return steps.length ? steps.length - 1 : null;
}

function outcome<T extends string>(p: PacketResult<T>, step: (s: TraceStep<T>) => SimStep): Outcome {
  const steps = p.trace.map(step);
  return {
    fate: p.fate, out: p.out, final: p.final, ctState: p.ctState, ...(p.reason ? { reason: p.reason } : {}), steps, decided: decided(steps),
    generated: (p.generated ?? []).map((g) => {
      const steps = g.trace.map(step);
      return { what: g.what, fate: g.fate, out: g.out, final: g.final, steps, decided: decided(steps) };
    }),
  };
}

const plain = (s: TraceStep): SimStep => ({ table: s.table, chain: s.chain, rule: s.rule, verdict: s.verdict });

function iptablesStep(rs: Ruleset, s: TraceStep<TableName>): SimStep {
  const rule = s.rule === null ? undefined : rs.tables.get(s.table)?.chains.get(s.chain)?.rules[s.rule - 1];
  if (!rule) return plain(s);
  const spec = formatRuleSpec(rule);
  return { ...plain(s), text: `-A ${rule.chain}${spec ? ' ' + spec : ''}`, line: rule.span.line };
}

function nftStep(program: NftProgram, s: TraceStep): SimStep {
  if (s.rule === null) return plain(s);
  const c = program.tables.find((t) => t.name === s.table && t.chains.has(s.chain))?.chains.get(s.chain);
  const r = c?.rules[s.rule - 1];
  return { ...plain(s), text: program.ruleText(s.table, s.chain, s.rule), ...(r ? { line: r.rule.line } : {}) };
}

/// Where a step is: packet, the generated packet (null: the packet itself), and the step in its trace.
export interface NftStepRef {
  packet: number;
  generated: number | null;
  step: number;
}

/// A rule of the step's chain the packet passed over, and why (its failed statement and where it is written).
export interface NftSkip {
  rule: number;
  why: string;
  span?: TextSpan;
  /// The rule's statements and its first line in the nft text.
  text?: string;
  line?: number;
  /// The rule as written on its line, cut around the statement that failed: before, it, after.
  parts?: [string, string, string];
}

export interface NftStepExplanation {
  /// The first EXPLAINED rules passed over.
  skipped: NftSkip[];
  /// How many rules were passed over.
  total: number;
  millis: number;
}

/// Passed-over rules explained and sent for one step: the view shows the first ones and a count.
export const EXPLAINED = 50;

/// The last simulation, for explaining its steps: what ran and what came out.
let last: { id: number; scenario: Scenario; ruleset: NftRuleset; results: PacketResult[]; starts?: number[] } | null = null;
let simulations = 0;

export function nftSimulation(mode: NftMode, scenario: Scenario): NftSimulation {
  const start = performance.now();
  const text = scenario.rules ?? '';
  const own = typeof scenario.nft === 'string';
  const out: NftSimulation = {
    id: ++simulations, mode, source: own ? 'scenario' : 'translation', total: scenario.packets?.length ?? 0, differing: 0, packets: [], untranslated: 0,
    iptablesErrors: 0, nftErrors: [], unsimulated: {}, error: null, millis: 0,
  };
  last = null;
  const done = () => ((out.millis = performance.now() - start), out);
  const { ruleset, diagnostics } = parseRuleset(text);
  out.iptablesErrors = diagnostics.filter((d) => d.severity === 'error').length;
  if (out.iptablesErrors) return done();
  try {
    const original = simulateRuleset(ruleset, scenario);
    // A fresh parse for the translator, as checkEquivalence does: the runs stay independent.
    const translation = own ? null : translateRuleset(parseRuleset(text).ruleset, { mode, source: text, sets: scenario.sets });
    const nftScenario = { ...scenario, nft: translation ? translation.text : scenario.nft };
    const nft = simulateNft(nftScenario);
    last = { id: out.id, scenario: nftScenario, ruleset: nft.program.ruleset, results: nft.packets };
    out.untranslated = translation?.untranslated.length ?? 0;
    out.nftErrors = nft.diagnostics.slice(0, SIM_ERRORS).map((d) => `line ${d.line}, column ${d.column}: ${d.message}`);
    out.unsimulated = { ...original.unsimulated, ...nft.unsimulated };
    const failed = new Set(translation?.untranslated.map((u) => u.line));
    original.packets.forEach((a, index) => {
      const b = nft.packets[index];
      const aspects = compareResults(a, b);
      if (aspects.length) out.differing++;
      if (index >= SIM_PACKETS && (!aspects.length || out.packets.length >= 2 * SIM_PACKETS)) return;
      const iptables = outcome(a, (s) => iptablesStep(ruleset, s));
      const lines = [...iptables.steps, ...iptables.generated.flatMap((g) => g.steps)].map((s) => s.line).filter((l) => l !== undefined && failed.has(l));
      out.packets.push({ index, iptables, nft: outcome(b, (s) => nftStep(nft.program, s)), aspects, untranslated: [...new Set(lines)] as number[] });
    });
  } catch (e) {
    out.error = e instanceof Error ? e.message : String(e);
  }
  return done();
}

/// A rule written on one line, cut around the span of its failed statement (null: it spans lines).
function cut(held: NonNullable<typeof last>, toks: readonly NftToken[], span: TextSpan): NftSkip['parts'] | null {
  const text = held.scenario.nft ?? '';
  const [a, b] = [toks[0], toks[toks.length - 1]];
  if (!a || a.line !== b.line || span.line !== a.line || span.endLine !== a.line) return null;
  const starts = (held.starts ??= lineStarts(text));
  const line = text.slice(starts[a.line - 1], starts[a.line] === undefined ? text.length : starts[a.line] - 1);
  const end = b.column - 1 + b.text.length + (b.quoted ? 2 : 0);
  if (span.column < a.column || span.endColumn - 1 > end) return null;
  return [line.slice(a.column - 1, span.column - 1), line.slice(span.column - 1, span.endColumn - 1), line.slice(span.endColumn - 1, end)];
}

/// The trace a step reference points into.
const traceOf = (p: PacketResult | undefined, generated: number | null) => (generated === null ? p?.trace : p?.generated?.[generated]?.trace);

/// Why each rule before step `at` of simulation `id` did not match; `gone` when this worker no longer
/// holds that simulation (a newer one, or a restart): simulate again.
export function explainNftStep(id: number, at: NftStepRef): NftStepExplanation | { gone: true } {
  const start = performance.now();
  if (!last || last.id !== id) return { gone: true };
  const { scenario, ruleset, results } = last;
  const target = traceOf(results[at.packet], at.generated)?.[at.step];
  if (!target) throw new Error(`no step ${at.step + 1} in packet ${at.packet + 1}${at.generated === null ? '' : `'s generated packet ${at.generated + 1}`}`);
  // A fresh program (rules keep state) whose walks explain while the packet goes, in the step's hook and
  // table, up to the step: a walk's explanations go to the steps it pushes, so only those walks need it.
  // (For a generated packet's step, the packet's own walks there explain too: cheap, and read by no one.)
  const program = new NftProgram(ruleset);
  let sending = false;
  const explaining = (sink: WalkSink) => sending && sink.trace.length <= at.step;
  const wrap = (c: HookChain): HookChain => ({
    table: c.table,
    walk: (pkt, ctx, sink) =>
      ctx.hook === target.hook && c.table === target.table && explaining(sink)
        ? withExplainBudget(EXPLAINED, () => c.walk(pkt, ctx, Object.create(sink, { explain: { value: true } })))
        : c.walk(pkt, ctx, sink),
  });
  const stage = (s: Stage): Stage => (s.kind === 'chain' ? { kind: 'chain', chain: wrap(s.chain) } : s.kind === 'nat' ? { kind: 'nat', chains: s.chains.map(wrap) } : s);
  const stages = Object.fromEntries(HOOKS.map((h) => [h, program.stages[h].map(stage)])) as Record<Hook, Stage[]>;
  const wrapped: HookProgram = { stages, notes: program.notes, counters: () => program.counters() };
  const run = new ProgramRun(wrapped, scenario);
  const packets = scenario.packets ?? [];
  let again: PacketResult | undefined;
  for (let i = 0; i <= at.packet && i < packets.length; i++) {
    sending = i === at.packet;
    again = run.send(packets[i]);
  }
  const step = traceOf(again, at.generated)?.[at.step];
  // The same run again: anything else is a bug worth saying out loud rather than explaining another step.
  if (!step || step.table !== target.table || step.chain !== target.chain || step.rule !== target.rule || step.verdict !== target.verdict)
    throw new Error('the simulation did not repeat itself: cannot explain this step');
  const chain = program.tables.find((t) => t.name === step.table && t.chains.has(step.chain))?.chains.get(step.chain);
  const held = last;
  const all = step.skipped ?? [];
  const skipped = all.slice(0, EXPLAINED).map((k): NftSkip => {
    const r = chain?.rules[k.rule - 1];
    if (!r) return k;
    const parts = k.span && cut(held, r.rule.tokens, k.span);
    return { ...k, text: program.ruleText(step.table, step.chain, k.rule), line: r.rule.line, ...(parts ? { parts } : {}) };
  });
  return { skipped, total: all.length, millis: performance.now() - start };
}
