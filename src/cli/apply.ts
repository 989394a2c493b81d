// `nfplay apply RULES [--rollback SECONDS] [--matrix FILE]`: the shell script that loads RULES on a host
// without locking anyone out (backup, iptables-restore --test, a rollback timer, atomic load, checks,
// confirmation). With a matrix (--matrix, or the scenario's "matrix" key) its flows are checked in
// simulation first: when one fails, no script, the failures on stderr and exit 1. Lint errors (a lockout)
// are warned about on stderr. Exit 2 on bad input.
import { checkMatrix } from '../engine/analyze/check';
import { lint } from '../engine/analyze/lint';
import { IntentError, parseIntent } from '../engine/analyze/intent';
import { MatrixError, parseMatrix, type Matrix } from '../engine/analyze/matrix';
import { safeApply } from '../engine/analyze/safe-apply';
import { table } from './check';
import type { LintOutput } from './lint';
import { InputError, readRules, type RulesInput } from './rules-input';

export interface ApplyFlags {
  rollback?: string;
  matrix?: { text: string; name: string };
  path?: string;
}

const bad = (stderr: string): LintOutput => ({ code: 2, stdout: '', stderr });

export function applyCommand(text: string, name: string, flags: ApplyFlags): LintOutput {
  let input: RulesInput;
  try {
    input = readRules(text, name);
  } catch (e) {
    if (e instanceof InputError) return bad(e.message);
    throw e;
  }
  let timeout: number | undefined;
  if (flags.rollback !== undefined) {
    if (!/^\d+$/.test(flags.rollback) || Number(flags.rollback) < 1) return bad(`nfplay: --rollback: "${flags.rollback}" is not a number of seconds (1 or more)\n`);
    timeout = Number(flags.rollback);
  }
  const matrixText = flags.matrix ?? (input.scenario?.matrix?.trim() ? { text: input.scenario.matrix, name: `${name} matrix` } : null);
  let matrix: Matrix | undefined;
  if (matrixText) {
    try {
      matrix = parseMatrix(matrixText.text);
    } catch (e) {
      if (e instanceof MatrixError) return bad(`nfplay: ${matrixText.name}:${e.line}:${e.column}: ${e.message}\n`);
      throw e;
    }
  }
  const host = input.scenario?.host.interfaces.length ? input.scenario.host : undefined;
  if (matrix && matrixText) {
    const results = checkMatrix(input.ruleset, matrix, matrix.host ?? host);
    if (results.some((r) => !r.ok))
      return { code: 1, stdout: '', stderr: `nfplay: not generating the script: flows of the matrix fail with these rules\n${table(results, matrixText.name)}` };
  }
  let intent;
  try {
    intent = parseIntent(input.scenario?.analysis);
  } catch (e) {
    if (e instanceof IntentError) return bad(`nfplay: ${name}: ${e.message}\n`);
    throw e;
  }
  const warnings = lint(input.rules, { host, intent }).findings.filter((f) => f.severity === 'error')
    .map((f) => `nfplay: warning: ${input.where}:${f.line}:${f.column}: ${f.message} [${f.code}]\n`).join('');
  return { code: 0, stdout: safeApply(input.rules, { timeout, matrix, path: flags.path }), stderr: warnings };
}
