// Lint in tests: findings as compact `line severity code` strings, and lookups by code.
import { lint, type LintOptions } from '../../src/engine/analyze/lint';
import { parseIntent } from '../../src/engine/analyze/intent';
import type { Finding } from '../../src/engine/analyze/finding';

export function findings(text: string, opts: LintOptions & { analysis?: unknown } = {}): Finding[] {
  const r = lint(text, { ...opts, intent: opts.intent ?? parseIntent(opts.analysis) });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('\n'));
  return r.findings;
}

export const codes = (fs: Finding[]) => fs.map((f) => `${f.line} ${f.severity} ${f.code}`);

export function only(fs: Finding[], code: string): Finding[] {
  return fs.filter((f) => f.code === code);
}

/// A filter table in iptables-save form, with the given policies and rules.
export function filter(rules: string[], policies: { INPUT?: string; FORWARD?: string; OUTPUT?: string } = {}): string {
  return ['*filter', `:INPUT ${policies.INPUT ?? 'ACCEPT'} [0:0]`, `:FORWARD ${policies.FORWARD ?? 'ACCEPT'} [0:0]`, `:OUTPUT ${policies.OUTPUT ?? 'ACCEPT'} [0:0]`, ...rules, 'COMMIT', ''].join('\n');
}
