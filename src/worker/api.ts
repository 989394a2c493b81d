// The engine as the worker serves it: plain, structured-clonable data only. The engine's Ruleset and
// Program hold functions, so everything the UI needs from them (rule spans, canonical text, listings) is
// resolved here, on the worker side. Big outputs cross as excerpts: deserializing a 100k-rule listing
// would stall the main thread, and the full text is one call away.
import { parseRuleset, type InputFormat } from '../engine/parse/index';
import { simulateRuleset } from '../engine/sim/simulate';
import type { Program } from '../engine/sim/program';
import { listTable } from '../engine/print/list';
import { formatRuleSpec } from '../engine/print/save';
import { TABLES, type Rule, type Ruleset, type TableName } from '../engine/model/ruleset';
import type { Diagnostic, Severity } from '../engine/model/span';
import type { Scenario } from '../engine/model/scenario';
import type { GeneratedResult, PacketResult, TraceStep } from '../engine/model/trace';
import { MATCHES, TARGETS } from '../engine/modules/registry';
import type { Module } from '../engine/modules/types';
import { transfer } from 'comlink';
import { encodeShareLink, type SharedState } from '../share/share-link';
import type { NftMode, NftPreview } from './nft-preview';
import type { NftSimulation, NftStepExplanation, NftStepRef } from './nft-simulation';
import { clearWork, getWork, putWork } from './work-store';
import { scenarioFileText, toScenario } from '../share/scenario-json';
import { lintView, matrixView, proposalView, type AnalysisContext, type LintView, type MatrixView, type ProposalView } from './analysis';

export type { NftMode, NftPreview } from './nft-preview';
export type { NftSimulation, PacketComparison, Outcome, SimStep, Aspect, NftStepRef, NftSkip, NftStepExplanation } from './nft-simulation';
export type { AnalysisContext, LintView, MatrixView, ProposalView, FlowView, SampleView, Finding, Change, Side } from './analysis';

/// Diagnostics past this many are counted, not sent.
export const MAX_DIAGNOSTICS = 1000;
/// Lines of a listing sent with a run; `fullText` has the rest.
export const EXCERPT_LINES = 2000;
/// Rulesets up to this size get clause-by-clause explanations of the rules each packet passed over.
export const EXPLAIN_RULES = 5000;
/// User chain names sent for completion.
export const MAX_CHAINS = 5000;
/// Lines of a translation one `nftLines` call returns at most.
export const NFT_PAGE = 2000;

/// Where a rule sits in the ruleset text (1-based line, offsets for the editor).
export interface RuleSource {
  line: number;
  from: number;
  to: number;
}

/// A step of an iptables run (`run` simulates the iptables rules).
export interface StepView extends TraceStep<TableName> {
  /// The rule that matched, in `iptables-save` form (`-A INPUT -p tcp ... -j ACCEPT`); absent for policies.
  text?: string;
  source?: RuleSource;
}

export interface PacketView extends Omit<PacketResult<TableName>, 'trace' | 'generated'> {
  trace: StepView[];
  generated?: GeneratedView[];
}

export interface GeneratedView extends PacketView {
  what: GeneratedResult['what'];
}

/// The head of a long text, and how long the whole is.
export interface Excerpt {
  text: string;
  lines: number;
}

export interface Analysis {
  format: InputFormat;
  /// The first MAX_DIAGNOSTICS, in text order.
  diagnostics: Diagnostic[];
  /// All of them, by severity.
  counts: Record<Severity, number>;
  /// The tables the ruleset declares, in kernel order.
  tables: TableName[];
  /// User-defined chain names (the first MAX_CHAINS).
  chains: string[];
}

/// What `fullText` can return: `iptables-save -c`, or a table's `iptables -L -n -v --line-numbers`.
export type TextKind = 'save' | TableName;

export interface RunOutput extends Analysis {
  packets: PacketView[];
  /// `iptables-save -c` after the run.
  counters: Excerpt;
  /// `iptables -L -n -v --line-numbers` per table, with the run's counters.
  listings: { table: TableName; listing: Excerpt }[];
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

export type Phase = 'parse' | 'simulate' | 'print';
export type ProgressHook = (phase: Phase) => void;

function excerpt(text: string): Excerpt {
  let at = 0;
  let lines = 0;
  let cut = text.length;
  for (;;) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) break;
    lines++;
    at = nl + 1;
    if (lines === EXCERPT_LINES) cut = at;
  }
  if (at < text.length) lines++;
  return { text: text.slice(0, cut), lines };
}

function summarize(diagnostics: Diagnostic[]): Pick<Analysis, 'diagnostics' | 'counts'> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return { diagnostics: diagnostics.slice(0, MAX_DIAGNOSTICS), counts };
}

function shape(rs: Ruleset): Pick<Analysis, 'tables' | 'chains'> {
  const chains = new Set<string>();
  for (const t of rs.tables.values())
    for (const c of t.chains.values()) if (!c.builtin && chains.size < MAX_CHAINS) chains.add(c.name);
  return { tables: TABLES.filter((t) => rs.tables.has(t)), chains: [...chains] };
}

function stepView(rs: Ruleset, step: TraceStep<TableName>): StepView {
  const rule = step.rule === null ? undefined : rs.tables.get(step.table)?.chains.get(step.chain)?.rules[step.rule - 1];
  if (!rule) return { ...step };
  const spec = formatRuleSpec(rule);
  return { ...step, text: `-A ${rule.chain}${spec ? ' ' + spec : ''}`, source: { line: rule.span.line, from: rule.span.from, to: rule.span.to } };
}

function packetView(rs: Ruleset, p: PacketResult<TableName>): PacketView {
  const { trace, generated, ...rest } = p;
  const view: PacketView = { ...rest, trace: trace.map((s) => stepView(rs, s)) };
  if (generated) view.generated = generated.map((g) => ({ ...packetView(rs, g), what: g.what }));
  return view;
}

function listing(rs: Ruleset, program: Program, table: TableName): string {
  const counters = { rule: (r: Rule) => program.ruleCounters(r), policy: (t: TableName, c: string) => program.chainCounters(t, rs.tables.get(t)!.chains.get(c)!) };
  return listTable(rs, table, counters, { lineNumbers: true });
}

let report: ProgressHook | undefined;
// The last run, for `fullText`: the worker serves one playground.
let last: { ruleset: Ruleset; program: Program; counters: string } | null = null;
// The rules text of the last run: a share link or a translation of the same rules need not carry
// megabytes across again.
let lastRules: string | null = null;
let lastSets: Scenario['sets'];
// The whole text of the last translations (the preview's two modes), by id, for `nftLines`.
const translated = new Map<number, string[]>();
const TRANSLATIONS = 2;
let translations = 0;

/// A rules text by the id the page gave it (its edit number): what a worker was sent once is not posted
/// again by the page, to it or to the other worker (the analysis asks the engine's through a port).
export interface RulesRef {
  rulesId: number;
}

/// The answer when a worker does not hold the rules asked for by id: send them.
export interface NeedRules {
  needRules: true;
}

// The texts this worker holds by id, the latest last (a run's, a peer's, reopened work's).
const held = new Map<number, string>();
const HELD = 2;

function hold(id: number | undefined, text: string) {
  if (id === undefined) return;
  held.delete(id);
  held.set(id, text);
  for (const k of held.keys()) if (held.size > HELD) held.delete(k);
}

// The other worker, asked for the texts this one lacks; answers it from `held`.
let peer: MessagePort | null = null;
const waiting = new Map<number, (text: string | null) => void>();
let asks = 0;

// Texts the page sends in parts (see rulesPart), by id, until their last part.
const incoming = new Map<number, { parts: string[]; length: number }>();

async function rulesOf(rules: string | RulesRef): Promise<string | null> {
  if (typeof rules === 'string') return rules;
  const mine = held.get(rules.rulesId);
  if (mine !== undefined || !peer) return mine ?? null;
  const port = peer;
  const text = await new Promise<string | null>((done) => {
    waiting.set(++asks, done);
    port.postMessage({ want: rules.rulesId, re: asks });
  });
  if (text !== null) hold(rules.rulesId, text);
  return text;
}

export const api = {
  /// Where `run` reports its phases: one callback for the worker's lifetime (a callback per call would
  /// leave a message port behind each time).
  onProgress(hook: ProgressHook): void {
    report = hook;
  },

  /// Parse only: diagnostics and the ruleset's shape, for feedback while typing.
  analyze(text: string): Analysis {
    const { ruleset, diagnostics, format } = parseRuleset(text);
    return { format, ...summarize(diagnostics), ...shape(ruleset) };
  },

  /// The port to the other worker (see RulesRef); replaces the last one, whose pending questions get no text.
  connectPeer(port: MessagePort): void {
    peer?.close();
    for (const done of waiting.values()) done(null);
    waiting.clear();
    peer = port;
    port.onmessage = ({ data }: MessageEvent<{ want: number; re: number } | { re: number; text: string | null }>) => {
      if ('want' in data) port.postMessage({ re: data.re, text: held.get(data.want) ?? null });
      else {
        waiting.get(data.re)?.(data.text);
        waiting.delete(data.re);
      }
    };
  },

  /// A part of a rules text the page sends in pieces (posting 15 MB at once is a long task on the page),
  /// starting `at` characters into it; with the last, the whole is held as `rulesId`. A text whose first
  /// part comes drops any other not yet whole; a part that does not follow the ones before is dropped
  /// with them.
  rulesPart(rulesId: number, part: string, at: number, last: boolean): void {
    if (at === 0) {
      incoming.clear();
      incoming.set(rulesId, { parts: [], length: 0 });
    }
    const text = incoming.get(rulesId);
    if (!text || text.length !== at) return void incoming.delete(rulesId);
    text.parts.push(part);
    text.length += part.length;
    if (!last) return;
    incoming.delete(rulesId);
    hold(rulesId, text.parts.join(''));
  },

  /// `run` with rules this worker holds by id (reopened work): the page need not post them.
  runHeld(scenario: Scenario, rulesId: number, opts: { seed?: number } = {}): RunOutput | NeedRules {
    const rules = held.get(rulesId);
    return rules === undefined ? { needRules: true } : api.run({ ...scenario, rules }, { ...opts, rulesId });
  },

  /// Parse and simulate a whole scenario; a scenario the engine refuses comes back as `error`, not a throw.
  /// `rulesId`: the page's id for these rules, to hand them over later by id.
  run(scenario: Scenario, opts: { seed?: number; rulesId?: number } = {}): RunOutput {
    const start = performance.now();
    lastRules = scenario.rules ?? '';
    lastSets = scenario.sets;
    hold(opts.rulesId, lastRules);
    report?.('parse');
    const { ruleset, diagnostics, format } = parseRuleset(scenario.rules ?? '');
    const out: RunOutput = {
      format, ...summarize(diagnostics), ...shape(ruleset), packets: [], counters: { text: '', lines: 0 }, listings: [],
      unsimulated: {}, error: null, millis: 0,
    };
    last = null;
    try {
      report?.('simulate');
      // Why each passed-over rule did not match: cheap for the rulesets people read rule by rule.
      let rules = 0;
      for (const t of ruleset.tables.values()) for (const c of t.chains.values()) rules += c.rules.length;
      const sim = simulateRuleset(ruleset, scenario, { ...opts, explain: rules <= EXPLAIN_RULES });
      report?.('print');
      last = { ruleset, program: sim.program, counters: sim.counters };
      out.packets = sim.packets.map((p) => packetView(ruleset, p));
      out.counters = excerpt(sim.counters);
      out.unsimulated = sim.unsimulated;
      out.listings = out.tables.map((table) => ({ table, listing: excerpt(listing(ruleset, sim.program, table)) }));
    } catch (e) {
      out.error = e instanceof Error ? e.message : String(e);
    }
    out.millis = performance.now() - start;
    return out;
  },

  /// The whole of a text the last run gave as an excerpt.
  fullText(kind: TextKind): string {
    if (!last) return '';
    return kind === 'save' ? last.counters : listing(last.ruleset, last.program, kind);
  },

  /// `fullText` as a file to download: a Blob crosses to the page as a handle, not as 15 MB of text to copy
  /// in and encode again there.
  textFile(kind: TextKind): Blob {
    return new Blob([api.fullText(kind)], { type: 'text/plain' });
  },

  /// The nftables translation of a ruleset, line by line with the source line of each rule. Without
  /// `rules`, those of the last run (null when this worker has none: send them).
  /// The preview carries the first lines of the text (`nftLines` has the rest, by its id) and the whole
  /// line map, whose buffers are transferred.
  async translate(mode: NftMode, rules: string | null = null, sets?: Scenario['sets']): Promise<NftPreview | NeedRules> {
    const source = rules ?? lastRules;
    if (source === null) return { needRules: true };
    // A fresh parse: the preview marks the rules' counters, and the last run's must stay as they are.
    const { ruleset } = parseRuleset(source);
    // The translator is loaded on first use: the worker starts without it.
    const { nftPreview } = await import('./nft-preview');
    const { preview, lines } = nftPreview(ruleset, mode, source, rules === null ? lastSets : sets);
    preview.id = ++translations;
    translated.set(preview.id, lines);
    for (const k of translated.keys()) if (translated.size > TRANSLATIONS) translated.delete(k);
    return transfer(preview, [preview.fromStart.buffer, preview.fromLines.buffer, preview.outStart.buffer, preview.outLines.buffer]);
  },

  /// Lines `start` to `end` (0-based, end excluded, at most NFT_PAGE lines) of translation `id`; `gone`
  /// when this worker no longer has it (two newer translations, or a restart): translate again.
  nftLines(id: number, start: number, end: number): string[] | { gone: true } {
    const lines = translated.get(id);
    if (!lines) return { gone: true };
    const from = Math.max(0, start);
    return lines.slice(from, Math.min(end, from + NFT_PAGE));
  },

  /// The scenario's packets through its rules and through their translation in `mode`, compared packet by
  /// packet (src/nft/equivalence). Loaded on first use, like the translator.
  async simulateTranslation(mode: NftMode, scenario: Scenario): Promise<NftSimulation> {
    const { nftSimulation } = await import('./nft-simulation');
    return nftSimulation(mode, scenario);
  },

  /// Why the rules before one nft step of simulation `id` did not match, asked for when the step is opened.
  async explainNftStep(id: number, at: NftStepRef): Promise<NftStepExplanation | { gone: true }> {
    const { explainNftStep } = await import('./nft-simulation');
    return explainNftStep(id, at);
  },

  vocabulary(): Vocabulary {
    const info = (m: Module): ModuleInfo => ({
      name: m.name, help: m.help,
      options: m.options.map((o) => ({ name: o.name, aliases: [...(o.aliases ?? [])], help: o.help, values: [...(o.values ?? [])], invert: o.invert ?? false, args: o.args ?? 1 })),
    });
    return { matches: MATCHES.map(info), targets: TARGETS.map(info) };
  },

  /// The share link's fragment for a state: serialising and compressing a big ruleset is work the main
  /// thread should not do while someone types. With `rulesId`, the state's rules are those this worker
  /// holds by that id (NeedRules when it does not: send them).
  async shareLink(state: SharedState, rulesId?: number): Promise<string | NeedRules> {
    if (rulesId === undefined) return encodeShareLink(state);
    const rules = held.get(rulesId);
    return rules === undefined ? { needRules: true } : encodeShareLink({ ...state, rules });
  },

  /// A scenario file (the page's Download) of a scenario whose rules this worker holds as `rulesId`: the
  /// JSON of a big dump is made here, and crosses to the page as a Blob (a handle, not 15 MB of text).
  scenarioFile(scenario: Scenario, rulesId: number): Blob | NeedRules {
    const rules = held.get(rulesId);
    return rules === undefined ? { needRules: true } : new Blob([scenarioFileText({ ...scenario, rules })], { type: 'application/json' });
  },

  /// Keeps a state too big for localStorage as the work to reopen (IndexedDB, on this side: nothing big
  /// crosses to the page). With `rulesId`, its rules are those this worker holds by that id (false when
  /// it does not: send them).
  async saveWork(state: SharedState, rulesId?: number): Promise<boolean> {
    if (rulesId === undefined) return putWork(state);
    const rules = held.get(rulesId);
    return rules !== undefined && putWork({ ...state, rules });
  },

  /// The work saveWork kept, checked as a scenario (null when there is none or it no longer reads). Its
  /// rules are held as `rulesId`: the run of the reopened work need not send them back. Rules longer than
  /// `inline` stay here (`rules` is empty, `rulesLength` says how long they are): the page reads them with
  /// heldSlice, a part per message, as one 15 MB message is a long task on the page.
  async loadWork(rulesId?: number, inline = Infinity): Promise<(SharedState & { rulesLength?: number }) | null> {
    const v = await getWork();
    try {
      const state = v && (toScenario(v, 'saved work') as SharedState);
      if (state) hold(rulesId, state.rules);
      if (state && rulesId !== undefined && state.rules.length > inline) return { ...state, rules: '', rulesLength: state.rules.length };
      return state;
    } catch {
      return null;
    }
  },

  /// Characters `from` to `to` of the rules this worker holds as `rulesId` (null when it does not).
  heldSlice(rulesId: number, from: number, to: number): string | null {
    return held.get(rulesId)?.slice(from, to) ?? null;
  },

  async clearWork(): Promise<void> {
    await clearWork();
  },

  /// Lint findings of a ruleset (src/engine/analyze), with the scenario's host and `analysis` key. The
  /// rules given by id come from this worker or its peer (NeedRules when neither has them).
  async lintRules(rules: string | RulesRef, ctx: AnalysisContext = {}): Promise<LintView | NeedRules> {
    const text = await rulesOf(rules);
    return text === null ? { needRules: true } : lintView(text, ctx);
  },

  /// Each flow of a validation matrix text through the simulator, green or red with its deciding rule.
  async checkFlows(rules: string | RulesRef, matrix: string, host?: Scenario['host']): Promise<MatrixView | NeedRules> {
    const text = await rulesOf(rules);
    return text === null ? { needRules: true } : matrixView(text, matrix, host);
  },

  /// A proposed change: the packets whose fate it moves (what-if), its own findings, the matrix against it.
  async proposeChange(before: string | RulesRef, after: string, ctx: AnalysisContext = {}, matrix?: string): Promise<ProposalView | NeedRules> {
    const text = await rulesOf(before);
    return text === null ? { needRules: true } : proposalView(text, after, ctx, matrix);
  },
};

export type EngineApi = typeof api;
