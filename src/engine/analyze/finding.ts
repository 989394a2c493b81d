// A lint finding: where, how bad, what, why, and what to do (DESIGN.md section 4's fields, and more).
import type { Severity, Span } from '../model/span';

export interface Finding {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /// Offsets into the text, for the editor.
  from: number;
  to: number;
  severity: Severity;
  /// Stable identifier: `shadowed`, `lockout` ...
  code: string;
  /// One line.
  message: string;
  explanation: string;
  fix: string;
  /// Lines of other rules the finding is about (the shadowing rules, the DNAT ...).
  related?: number[];
}

export function finding(span: Span, severity: Severity, code: string, message: string, explanation: string, fix: string, related?: number[]): Finding {
  const f: Finding = {
    line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn, from: span.from, to: span.to,
    severity, code, message, explanation, fix,
  };
  if (related?.length) f.related = related;
  return f;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function byPosition(a: Finding, b: Finding): number {
  return a.line - b.line || a.column - b.column || RANK[a.severity] - RANK[b.severity] || a.code.localeCompare(b.code);
}
