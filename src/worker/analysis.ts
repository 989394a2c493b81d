// The analysis as the worker serves it (src/engine/analyze): lint findings, the validation matrix and a
// proposed change's what-if, as plain data. The playground runs these in a worker of their own, after the
// run's result is shown: lint of a 50k-rule dump takes over a second and must hold up neither typing nor runs.
import { lint } from '../engine/analyze/lint';
import { IntentError, parseIntent } from '../engine/analyze/intent';
import type { Finding } from '../engine/analyze/finding';
import { MatrixError, parseMatrix } from '../engine/analyze/matrix';
import { checkMatrix } from '../engine/analyze/check';
import { whatIf, type Change } from '../engine/analyze/what-if';
import { parseRuleset } from '../engine/parse/index';
import type { Scenario, PacketSpec } from '../engine/model/scenario';
import type { Diagnostic, Severity } from '../engine/model/span';
import type { Fate } from '../engine/model/trace';

export type { Finding } from '../engine/analyze/finding';
export type { Change, Side } from '../engine/analyze/what-if';

/// Findings past this many are counted, not sent.
export const MAX_FINDINGS = 1000;

/// What the analysis knows of the scenario besides its rules.
export interface AnalysisContext {
  host?: Scenario['host'];
  sets?: Scenario['sets'];
  /// The scenario's `analysis` key (management sources and ports, needed egress).
  analysis?: unknown;
}

export interface LintView {
  /// The first MAX_FINDINGS, in text order.
  findings: Finding[];
  counts: Record<Severity, number>;
  /// The scenario's `analysis` key could not be read (the findings then assume SSH from anywhere).
  error: string | null;
  millis: number;
}

export interface SampleView {
  packet: PacketSpec;
  fate: Fate;
  by: string;
  line?: number;
  ok: boolean;
}

export interface FlowView {
  /// 1-based line in the matrix text.
  line: number;
  text: string;
  expect: Fate[];
  ok: boolean;
  /// The sources tried; the failing ones first.
  samples: SampleView[];
}

export interface MatrixView {
  /// A line of the matrix that does not read, with its position.
  error: { line: number; column: number; message: string } | null;
  flows: FlowView[];
  failed: number;
}

export interface ProposalView {
  /// The classes of packets whose fate the change moves (at most 50, as whatIf gives them).
  changes: Change[];
  /// Lint of the proposed rules.
  lint: LintView;
  /// The matrix against the proposed rules (null without a matrix).
  matrix: MatrixView | null;
  /// The parser's diagnostics of the proposed rules (the first MAX_FINDINGS): what-if reads what parses.
  diagnostics: Diagnostic[];
  errors: number;
  millis: number;
}

function counted(findings: Finding[]): Pick<LintView, 'findings' | 'counts'> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return { findings: findings.slice(0, MAX_FINDINGS), counts };
}

export function lintView(rules: string, ctx: AnalysisContext = {}): LintView {
  const start = performance.now();
  let error: string | null = null;
  let intent;
  try {
    intent = parseIntent(ctx.analysis);
  } catch (e) {
    if (!(e instanceof IntentError)) throw e;
    error = e.message;
    intent = parseIntent(undefined);
  }
  const host = ctx.host?.interfaces.length ? ctx.host : undefined;
  const { findings } = lint(rules, { host, sets: ctx.sets, intent });
  return { ...counted(findings), error, millis: performance.now() - start };
}

export function matrixView(rules: string, matrix: string, host?: Scenario['host']): MatrixView {
  let parsed;
  try {
    parsed = parseMatrix(matrix);
  } catch (e) {
    if (e instanceof MatrixError) return { error: { line: e.line, column: e.column, message: e.message }, flows: [], failed: 0 };
    throw e;
  }
  const { ruleset } = parseRuleset(rules);
  let results;
  try {
    results = checkMatrix(ruleset, parsed, parsed.host ?? (host?.interfaces.length ? host : undefined));
  } catch (e) {
    return { error: { line: 1, column: 1, message: `host: ${e instanceof Error ? e.message : String(e)}` }, flows: [], failed: 0 };
  }
  const flows = results.map((r): FlowView => ({
    line: r.flow.line, text: r.flow.text, expect: r.flow.expect, ok: r.ok,
    samples: [...r.samples.filter((s) => !s.ok), ...r.samples.filter((s) => s.ok)],
  }));
  return { error: null, flows, failed: flows.filter((f) => !f.ok).length };
}

export function proposalView(before: string, after: string, ctx: AnalysisContext = {}, matrix?: string): ProposalView {
  const start = performance.now();
  const host = ctx.host?.interfaces.length ? ctx.host : undefined;
  const { diagnostics } = parseRuleset(after);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const changes = whatIf(before, after, { host, sets: ctx.sets });
  return {
    changes, diagnostics: diagnostics.slice(0, MAX_FINDINGS), errors, lint: lintView(after, ctx), matrix: matrix?.trim() ? matrixView(after, matrix, host) : null, millis: performance.now() - start,
  };
}
