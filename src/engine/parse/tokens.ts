// Splits one logical line into words with their spans, as a shell (scripts) or iptables-restore (dumps)
// would: whitespace separates, quotes group, `#` at the start of a word begins a comment.
import type { Clause } from '../model/ruleset';
import type { Span } from '../model/span';
import { ParseError } from '../model/span';

/// A place on one source line, kept as offsets: line and columns are worked out when read. A 100k-rule
/// dump keeps millions of spans (rules, clauses, matches) and reads few of them, so each is four numbers.
export class LineSpan implements Span {
  constructor(readonly line: number, readonly base: number, readonly from: number, readonly to: number) {}
  get column(): number {
    return this.from - this.base + 1;
  }
  get endLine(): number {
    return this.line;
  }
  get endColumn(): number {
    return this.to - this.base + 1;
  }
}

/// A clause of a rule (`-s 10.0.0.0/8`, `--dport 22`), which is its own span: one object per clause
/// rather than two (the option's parsed value points at it too).
export class SpanClause extends LineSpan implements Clause {
  constructor(readonly option: string, line: number, base: number, from: number, to: number) {
    super(line, base, from, to);
  }
  get span(): Span {
    return this;
  }
}

/// A word of the source. Its span is made when asked for: few of the millions of words in a big dump
/// are ever pointed at. Tokens read through a `Words` are reused for the next line.
export class Token {
  constructor(public text: string, public quoted: boolean, public src: SourceLine, public start: number, public end: number) {}
  get span(): Span {
    return spanOf(this.src, this.start, this.end);
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
  return new LineSpan(src.line, src.offset, src.offset + start, src.offset + end);
}

/// From the start of token `a` to the end of token `b` (words of one line).
export function tokenSpan(a: Token, b: Token): LineSpan {
  return new LineSpan(a.src.line, a.src.offset, a.src.offset + a.start, a.src.offset + b.end);
}

const SPACE = 32, TAB = 9, CR = 13, HASH = 35, DQUOTE = 34, SQUOTE = 39, BACKSLASH = 92;

/// Word storage for reading a dump line after line: one array and one set of Token objects serve every
/// line, and short words come from a cache of recent ones. A dump repeats the same few words (`-A`, `-m`,
/// `tcp`, chain names ...) hundreds of thousands of times: one string each, whose hash Map lookups
/// compute once, instead of a new copy per use.
export class Words {
  private readonly out: Token[] = [];
  private readonly pool: Token[] = [];
  private readonly cache: (string | undefined)[] = new Array(CACHE_SIZE);
  private readonly hashes = new Int32Array(CACHE_SIZE);
  private readonly chars = new Uint16Array(CACHE_SIZE * MAX_CACHED);

  private n = 0;

  /// Empties the store for another text: its words, and the tokens' lines, hold on to the text they came
  /// from.
  reset(): this {
    this.cache.fill(undefined);
    for (const t of this.pool) {
      t.text = '';
      t.src = NO_LINE;
    }
    this.n = 0;
    return this;
  }

  /// Starts a line: the tokens of the previous one are given back.
  begin(): Token[] {
    this.n = 0;
    return this.out;
  }

  token(text: string, quoted: boolean, src: SourceLine, start: number, end: number): Token {
    let t = this.pool[this.n];
    if (t) {
      t.text = text;
      t.quoted = quoted;
      t.src = src;
      t.start = start;
      t.end = end;
    } else this.pool.push((t = new Token(text, quoted, src, start, end)));
    this.out[this.n++] = t;
    return t;
  }

  /// Ends a line. The array only shortens: emptied (`length = 0`), V8 would give its storage back and
  /// grow it again, word by word, on every line.
  end(): void {
    if (this.out.length !== this.n) this.out.length = this.n;
  }

  /// s.slice(start, end), from the cache when the same word was met lately; `hash` is of its characters.
  word(s: string, start: number, end: number, hash: number): string {
    const n = end - start;
    if (n > MAX_CACHED) return s.slice(start, end);
    const slot = (hash ^ (hash >>> 13)) & (CACHE_SIZE - 1);
    const hit = this.cache[slot];
    // The cached word's characters are compared in `chars`: reading them from the string (often a slice
    // of the whole text) costs several times more.
    const at = slot * MAX_CACHED;
    if (hit !== undefined && this.hashes[slot] === hash && hit.length === n) {
      let k = 0;
      while (k < n && this.chars[at + k] === s.charCodeAt(start + k)) k++;
      if (k === n) return hit;
    }
    this.hashes[slot] = hash;
    for (let k = 0; k < n; k++) this.chars[at + k] = s.charCodeAt(start + k);
    return (this.cache[slot] = s.slice(start, end));
  }
}

/// Small: a slot is read at random once per word, and 1024 of them (57 KB of characters) can stay in the
/// processor's cache next to the model being built. 28 characters is the longest chain name.
const CACHE_SIZE = 1024;
const NO_LINE: SourceLine = { text: '', line: 0, offset: 0 };
const MAX_CACHED = 28;

export function tokenize(src: SourceLine, words?: Words): Token[] {
  return tokenizeIn(src.text, 0, src.text.length, src, words);
}

/// The words of `src`, whose text is s[from, to): a dump's lines are read in place in the whole text,
/// which V8 reads faster than a slice of it. Token positions are relative to the line.
export function tokenizeIn(s: string, from: number, to: number, src: SourceLine, words?: Words): Token[] {
  const out: Token[] = words ? words.begin() : [];
  let i = from;
  while (i < to) {
    let c = s.charCodeAt(i);
    if (c === SPACE || c === TAB || c === CR) {
      i++;
      continue;
    }
    if (c === HASH) break;
    const start = i;
    // Most words are plain (no quotes, no escapes): a slice of the line. One that starts with a digit is a
    // value (an address, a port, a number), read once and seldom met again: it skips the word cache.
    if (c >= 48 && c <= 57) {
      while (++i < to && !endsPlainWord((c = s.charCodeAt(i))));
      if (i === to || c === SPACE || c === TAB || c === CR) {
        if (words) words.token(s.slice(start, i), false, src, start - from, i - from);
        else out.push(new Token(s.slice(start, i), false, src, start - from, i - from));
        continue;
      }
      i = start;
    }
    let hash = 0;
    while (i < to && !endsPlainWord((c = s.charCodeAt(i)))) {
      hash = (Math.imul(hash, 31) + c) | 0;
      i++;
    }
    if (i === to || c === SPACE || c === TAB || c === CR) {
      if (words) words.token(words.word(s, start, i, hash), false, src, start - from, i - from);
      else out.push(new Token(s.slice(start, i), false, src, start - from, i - from));
      continue;
    }
    let text = s.slice(start, i);
    let quoted = false;
    while (i < to) {
      c = s.charCodeAt(i);
      if (c === SPACE || c === TAB || c === CR) break;
      if (c === DQUOTE || c === SQUOTE) {
        // A whole quoted word (a rule's comment, mostly) is one slice of the line.
        let escaped = false;
        let close = i + 1;
        while (close < to) {
          const q = s.charCodeAt(close);
          if (q === c) break;
          if (q === BACKSLASH && c === DQUOTE) {
            escaped = true;
            close++;
          }
          close++;
        }
        if (close >= to) throw new ParseError(`unterminated quoted string`, spanOf(src, i - from, to - from));
        const body = s.slice(i + 1, close);
        text += escaped ? body.replace(/\\(["\\$`])/g, '$1') : body;
        quoted = true;
        i = close + 1;
      } else if (c === BACKSLASH && i + 1 < to) {
        text += s[i + 1];
        i += 2;
      } else {
        text += s[i];
        i++;
      }
    }
    if (words) words.token(text, quoted, src, start - from, i - from);
    else out.push(new Token(text, quoted, src, start - from, i - from));
  }
  words?.end();
  return out;
}

/// Whether `c` ends a plain word: a blank, a quote or a backslash. All but the backslash are at most `'`
/// (39): one test passes letters, digits and `-./:` (nearly every character of a dump).
function endsPlainWord(c: number): boolean {
  return c <= SQUOTE ? c === SPACE || c === TAB || c === CR || c === DQUOTE || c === SQUOTE : c === BACKSLASH;
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
