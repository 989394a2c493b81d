/// A place in the source text: 1-based line and column, `end` exclusive on the same line (or at endLine).
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /// Offsets into the whole text, for editors.
  from: number;
  to: number;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  from: number;
  to: number;
}

/// Thrown while parsing; carries the span of the offending token. Parsers catch it per line and keep going.
export class ParseError extends Error {
  constructor(message: string, public span?: Span) {
    super(message);
    this.name = 'ParseError';
  }
}

export function diagnostic(severity: Severity, message: string, span: Span): Diagnostic {
  return { severity, message, line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn, from: span.from, to: span.to };
}
