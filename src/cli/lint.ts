// `nfplay lint FILE [--json]`: FILE is a ruleset, or a scenario JSON (its rules, host and "analysis" key).
// Exit 1 when a finding is an error or a warning, 0 otherwise, 2 on bad input.
import { lint, type LintResult } from '../engine/analyze/lint';
import { IntentError, parseIntent } from '../engine/analyze/intent';
import { parseJson, ScenarioInputError, toScenario } from '../share/scenario-json';
import type { CommandOutput } from './translate';

export type LintOutput = Omit<CommandOutput, 'code'> & { code: 0 | 1 | 2 };

const bad = (stderr: string): LintOutput => ({ code: 2, stdout: '', stderr });

export function lintCommand(text: string, name: string, flags: { json: boolean }): LintOutput {
  let result: LintResult;
  let where = name;
  if (/^\s*\{/.test(text)) {
    try {
      const raw = parseJson(text) as Record<string, unknown>;
      const s = toScenario(raw);
      result = lint(s.rules, { host: s.host, sets: s.sets, intent: parseIntent(raw.analysis) });
      where = `${name} rules`;
    } catch (e) {
      if (e instanceof ScenarioInputError) return bad(`nfplay: ${name}${e.line ? `:${e.line}:${e.column}` : ''}: ${e.message}\n`);
      if (e instanceof IntentError) return bad(`nfplay: ${name}: ${e.message}\n`);
      throw e;
    }
  } else result = lint(text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return bad(errors.map((d) => `nfplay: ${where}:${d.line}:${d.column}: ${d.message}\n`).join(''));
  const { findings } = result;
  const code = findings.some((f) => f.severity !== 'info') ? 1 : 0;
  if (flags.json) return { code, stdout: JSON.stringify({ findings }, null, 2) + '\n', stderr: '' };
  const lines = findings.map((f) => `${where}:${f.line}:${f.column}: ${f.severity}: ${f.message} [${f.code}]\n    why: ${f.explanation}\n    fix: ${f.fix}\n`);
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  lines.push(findings.length ? `${n(count('error'), 'error')}, ${n(count('warning'), 'warning')}, ${count('info')} info\n` : 'no findings\n');
  return { code, stdout: lines.join(''), stderr: '' };
}
