// Splits one logical line into words with their spans, as a shell (scripts) or iptables-restore (dumps)
// would: whitespace separates, quotes group, `#` at the start of a word begins a comment.
import type { Span } from '../model/span';
import { ParseError } from '../model/span';

/// A word of the source. Its span is made when asked for: a 100k-rule dump has millions of words and
/// few of their positions are ever read (they go into errors and option spans).
export class Token {
  private made: Span | null = null;
  constructor(readonly text: string, readonly quoted: boolean, private src: SourceLine, private start: number, private end: number) {}
  get span(): Span {
    return (this.made ??= spanOf(this.src, this.start, this.end));
  }
  /// The same word with another text (a shell variable expanded).
  withText(text: string): Token {
    return new Token(text, this.quoted, this.src, this.start, this.end);
  }
}

/// A line of the source: its text and where it starts.
export interface SourceLine {
  text: string;
  line: number;
  /// Offset of the line's first character in the whole source.
  offset: number;
}

export function spanOf(src: SourceLine, start: number, end: number): Span {
  return { line: src.line, column: start + 1, endLine: src.line, endColumn: end + 1, from: src.offset + start, to: src.offset + end };
}

/// A span covering `a` to `b` (both inclusive tokens).
export function joinSpans(a: Span, b: Span): Span {
  return { line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn, from: a.from, to: b.to };
}

const WORD = /[^ \t\r]+/g;

export function tokenize(src: SourceLine): Token[] {
  const s = src.text;
  const out: Token[] = [];
  // Most lines have no quotes, escapes or comments: words are what lies between blanks.
  if (!/["'\\#]/.test(s)) {
    WORD.lastIndex = 0;
    for (let m = WORD.exec(s); m; m = WORD.exec(s)) out.push(new Token(m[0], false, src, m.index, m.index + m[0].length));
    return out;
  }
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\r')) i++;
    if (i >= s.length || s[i] === '#') break;
    const start = i;
    // Fast path: a plain word (no quotes, no escapes) is a slice of the line.
    let end = i;
    while (end < s.length && s[end] !== ' ' && s[end] !== '\t' && s[end] !== '\r' && s[end] !== '"' && s[end] !== "'" && s[end] !== '\\') end++;
    if (end === s.length || s[end] === ' ' || s[end] === '\t' || s[end] === '\r') {
      out.push(new Token(s.slice(i, end), false, src, start, end));
      i = end;
      continue;
    }
    let text = s.slice(i, end);
    i = end;
    let quoted = false;
    while (i < s.length && s[i] !== ' ' && s[i] !== '\t' && s[i] !== '\r') {
      const c = s[i];
      if (c === '"' || c === "'") {
        const close = findClose(s, i + 1, c);
        if (close < 0) throw new ParseError(`unterminated quoted string`, spanOf(src, i, s.length));
        const body = s.slice(i + 1, close);
        text += c === '"' ? body.replace(/\\(["\\$`])/g, '$1') : body;
        quoted = true;
        i = close + 1;
      } else if (c === '\\' && i + 1 < s.length) {
        text += s[i + 1];
        i += 2;
      } else {
        text += c;
        i++;
      }
    }
    out.push(new Token(text, quoted, src, start, i));
  }
  return out;
}

function findClose(s: string, from: number, q: string): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\' && q === '"') i++;
    else if (s[i] === q) return i;
  }
  return -1;
}

/// Source lines, joining shell continuations (a trailing backslash) into one logical line.
export function sourceLines(text: string, continuations: boolean): SourceLine[] {
  const raw = text.split('\n');
  const out: SourceLine[] = [];
  let offset = 0;
  for (let n = 0; n < raw.length; n++) {
    let t = raw[n];
    const start = offset;
    offset += raw[n].length + 1;
    const line = n + 1;
    // A continued line keeps the first line's position; columns past the join are approximate.
    while (continuations && /\\\r?$/.test(t) && n + 1 < raw.length) {
      t = t.replace(/\\\r?$/, ' ') + raw[++n];
      offset += raw[n].length + 1;
    }
    out.push({ text: t, line, offset: start });
  }
  return out;
}
