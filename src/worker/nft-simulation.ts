// The nftables preview's simulation, worker side: the scenario's packets through the iptables rules and
// through the translation the preview shows (one mode), compared packet by packet as src/nft/equivalence
// compares them (fate, egress, final header, generated replies). Every packet's outcome crosses, not only
// the differences, so the view can show both columns; each step carries its rule's text and line.
import { parseRuleset } from '../engine/parse/index';
import { formatRuleSpec } from '../engine/print/save';
import { simulateRuleset } from '../engine/sim/simulate';
import type { Ruleset, TableName } from '../engine/model/ruleset';
import type { Scenario } from '../engine/model/scenario';
import type { Fate, Header, PacketResult, TraceStep } from '../engine/model/trace';
import type { CtState } from '../engine/model/conntrack';
import { compareResults, type Aspect } from '../nft/equivalence';
import type { NftProgram } from '../nft/sim/program';
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
  generated: { what: string; fate: Fate; out: string | null; final: Header | null; steps: SimStep[] }[];
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
  mode: NftMode;
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
  /// Errors of the nft simulator reading the translation, as `line N: message`.
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
    generated: (p.generated ?? []).map((g) => ({ what: g.what, fate: g.fate, out: g.out, final: g.final, steps: g.trace.map(step) })),
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

export function nftSimulation(mode: NftMode, scenario: Scenario): NftSimulation {
  const start = performance.now();
  const text = scenario.rules ?? '';
  const out: NftSimulation = {
    mode, total: scenario.packets?.length ?? 0, differing: 0, packets: [], untranslated: 0, iptablesErrors: 0, nftErrors: [],
    unsimulated: {}, error: null, millis: 0,
  };
  const done = () => ((out.millis = performance.now() - start), out);
  const { ruleset, diagnostics } = parseRuleset(text);
  out.iptablesErrors = diagnostics.filter((d) => d.severity === 'error').length;
  if (out.iptablesErrors) return done();
  try {
    const original = simulateRuleset(ruleset, scenario);
    // A fresh parse for the translator, as checkEquivalence does: the runs stay independent.
    const translation = translateRuleset(parseRuleset(text).ruleset, { mode, source: text, sets: scenario.sets });
    const nft = simulateNft({ ...scenario, nft: translation.text });
    out.untranslated = translation.untranslated.length;
    out.nftErrors = nft.diagnostics.slice(0, SIM_ERRORS).map((d) => `line ${d.line}: ${d.message}`);
    out.unsimulated = { ...original.unsimulated, ...nft.unsimulated };
    const failed = new Set(translation.untranslated.map((u) => u.line));
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
