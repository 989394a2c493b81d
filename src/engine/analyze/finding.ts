// A lint finding: where, how bad, what, why, and what to do (DESIGN.md section 4's fields, and more).
import type { Diagnostic, Severity, Span } from '../model/span';

/// A diagnostic (where, how bad, what) with the analysis's why and what to do.
export interface Finding extends Diagnostic {
  /// Stable identifier: `shadowed`, `lockout` ...
  code: string;
  explanation: string;
  fix: string;
  /// Lines of other rules the finding is about (the shadowing rules, the DNAT ...).
  related?: number[];
}

export function finding(span: Span, severity: Severity, code: string, message: string, explanation: string, fix: string, related?: number[]): Finding {
  // Position first, as `nfplay lint --json` prints it.
  const { line, column, endLine, endColumn, from, to } = span;
  const f: Finding = { line, column, endLine, endColumn, from, to, severity, code, message, explanation, fix };
  if (related?.length) f.related = related;
  return f;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function byPosition(a: Finding, b: Finding): number {
  return a.line - b.line || a.column - b.column || RANK[a.severity] - RANK[b.severity] || a.code.localeCompare(b.code);
}
