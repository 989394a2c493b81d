// `nfplay check RULES --matrix MATRIX [--json]`: every flow of the matrix through the simulator; a table of
// results, failures first with the packet that failed and the rule that decided it. Exit 1 on a failure.
import { parseRuleset } from '../engine/parse/index';
import { checkMatrix, type FlowResult } from '../engine/analyze/check';
import { matrixFromJson, MatrixError, parseMatrix, type Matrix } from '../engine/analyze/matrix';
import type { Scenario } from '../engine/model/scenario';
import { ScenarioError } from '../engine/sim/host';
import { parseJson, ScenarioInputError, toScenario } from '../share/scenario-json';
import type { LintOutput } from './lint';

const bad = (stderr: string): LintOutput => ({ code: 2, stdout: '', stderr });
const MAX_SHOWN = 3;

export function checkCommand(rulesText: string, rulesName: string, matrixText: string, matrixName: string, flags: { json: boolean }): LintOutput {
  let rules = rulesText;
  let host: Scenario['host'] | undefined;
  let where = rulesName;
  let matrix: Matrix;
  try {
    if (/^\s*\{/.test(rulesText)) {
      const s = toScenario(parseJson(rulesText));
      rules = s.rules;
      host = s.host.interfaces.length ? s.host : undefined;
      where = `${rulesName} rules`;
    }
  } catch (e) {
    if (e instanceof ScenarioInputError) return bad(`nfplay: ${rulesName}${e.line ? `:${e.line}:${e.column}` : ''}: ${e.message}\n`);
    throw e;
  }
  try {
    matrix = /^\s*\{/.test(matrixText) ? matrixFromJson(parseJson(matrixText)) : parseMatrix(matrixText);
  } catch (e) {
    if (e instanceof MatrixError) return bad(`nfplay: ${matrixName}:${e.line}:${e.column}: ${e.message}\n`);
    if (e instanceof ScenarioInputError) return bad(`nfplay: ${matrixName}${e.line ? `:${e.line}:${e.column}` : ''}: ${e.message}\n`);
    throw e;
  }
  const { ruleset, diagnostics } = parseRuleset(rules);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return bad(errors.map((d) => `nfplay: ${where}:${d.line}:${d.column}: ${d.message}\n`).join(''));
  let results: FlowResult[];
  try {
    results = checkMatrix(ruleset, matrix, matrix.host ?? host);
  } catch (e) {
    if (e instanceof ScenarioError) return bad(`nfplay: ${matrixName}: host: ${e.message}\n`);
    throw e;
  }
  const failed = results.filter((r) => !r.ok).length;
  const code = failed ? 1 : 0;
  if (flags.json) {
    const body = {
      passed: results.length - failed, failed,
      results: results.map((r) => ({ line: r.flow.line, flow: r.flow.text, expect: r.flow.expect, ok: r.ok, samples: r.samples })),
    };
    return { code, stdout: JSON.stringify(body, null, 2) + '\n', stderr: '' };
  }
  return { code, stdout: table(results, matrixName), stderr: '' };
}

function packetText(s: FlowResult['samples'][number]): string {
  const p = s.packet;
  const port = p.dport !== undefined ? `:${p.dport}` : '';
  const what = p.proto === 'icmp' ? `icmp ${p.icmpType}` : `${p.proto}${p.flags ? ` ${p.flags.join(',')}` : ''}`;
  return `${p.src} → ${p.dst}${port} ${what} (${p.from === 'local' ? 'sent locally' : `in on ${p.from}`})`;
}

export function table(results: FlowResult[], matrixName: string): string {
  const out: string[] = [];
  const order = [...results.filter((r) => !r.ok), ...results.filter((r) => r.ok)];
  for (const r of order) {
    const at = r.flow.line ? `${matrixName}:${r.flow.line}` : matrixName;
    out.push(`${r.ok ? 'ok  ' : 'FAIL'}  ${at}  ${r.flow.text}`);
    if (r.ok) continue;
    const bad = r.samples.filter((s) => !s.ok);
    for (const s of bad.slice(0, MAX_SHOWN)) out.push(`        ${packetText(s)}: ${s.fate}, by ${s.by}`);
    if (bad.length > MAX_SHOWN) out.push(`        and ${bad.length - MAX_SHOWN} more of ${r.samples.length} sources`);
  }
  const failed = results.filter((r) => !r.ok).length;
  out.push(`${results.length} flow${results.length === 1 ? '' : 's'}: ${results.length - failed} passed, ${failed} failed`);
  return out.join('\n') + '\n';
}
