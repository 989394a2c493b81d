// iptables-save / iptables-restore dumps: `*table`, `:CHAIN POLICY [p:b]`, `[p:b] -A ...`, COMMIT.
import { ParseError } from '../model/span';
import type { TableName } from '../model/ruleset';
import type { RulesetBuilder } from './builder';
import { parseTable, runCommand, type CommandContext } from './command';
import { LineSpan, spanOf, tokenize, tokenizeIn, Words, type SourceLine } from './tokens';

export interface Sink {
  error(e: ParseError): void;
  info(message: string, line: SourceLine): void;
}

/// One word store for every dump: optimized code may hold on to the object it was made with, and a
/// collection that frees that object throws the code away (V8: "deoptimizing ... weak objects").
const WORDS = new Words();

/// Reads the dump a line at a time: a line's text and words are dropped as soon as it is parsed, so a big
/// dump's millions of words never outlive their line.
export function parseRestore(whole: string, b: RulesetBuilder, sink: Sink): void {
  let table: TableName | null = null;
  let opened: SourceLine | null = null;
  /// The last line with text, for the message about a missing COMMIT.
  let lastLine = 0;
  // One line object for every line: what is read from it (spans, errors) is made while it is the line.
  const src = new DumpLine(whole);
  const words = WORDS.reset();
  // One context for every line (this loop runs once per rule of 100k-rule dumps).
  const ctx: CommandContext & { line: SourceLine | null } = {
    builder: b, table: 'filter', allowTable: false, counters: null, line: null,
    onIpv6Only: () => sink.info('IPv6-only rule (-6) skipped, as iptables does', ctx.line!),
  };
  for (let offset = 0, line = 1; offset <= whole.length; line++) {
    let end = whole.indexOf('\n', offset);
    if (end < 0) end = whole.length;
    src.at(line, offset, end);
    const from = offset;
    offset = end + 1;
    try {
      // Rule lines (most of a dump) start, after blanks, with `-` or `[`: they are read in place.
      if (table && startsRule(whole, from, end)) {
        lastLine = line;
        const tokens = tokenizeIn(whole, from, end, src, words);
        let first = 0;
        let counters = null;
        const cm = tokens[0].text.charCodeAt(0) === 91 /* [ */ ? /^\[(\d+):(\d+)\]$/.exec(tokens[0].text) : null;
        if (cm) {
          counters = { packets: Number(cm[1]), bytes: Number(cm[2]) };
          first = 1;
        }
        ctx.table = table;
        ctx.counters = counters;
        ctx.line = src;
        runCommand(tokens, ctx, first);
        continue;
      }
      // `:CHAIN POLICY [p:b]`, the other lines of a big dump, without a regular expression.
      if (table && whole.charCodeAt(from) === 58 /* : */ && declaration(whole, from, end, DECL)) {
        lastLine = line;
        const counters = DECL.packets < 0 ? null : { packets: DECL.packets, bytes: DECL.bytes };
        b.declare(table, whole.slice(from + 1, DECL.nameEnd), whole.slice(DECL.policyFrom, DECL.policyEnd), counters, new LineSpan(line, from, from, DECL.end));
        continue;
      }
      const full = src.text;
      const text = full.trim();
      if (text !== '') lastLine = line;
      if (text === '' || text.startsWith('#')) continue;
      const start = full.indexOf(text[0]);
      if (text.startsWith('*')) {
        if (table) throw new ParseError(`Bad argument \`${text}': the *${table} section above has no COMMIT`, spanOf(src, start, start + text.length));
        const name = text.slice(1).trim();
        table = parseTable({ text: name, span: spanOf(src, start + 1, start + text.length) });
        opened = { text: full, line, offset: from };
        b.reset(table);
        continue;
      }
      if (text === 'COMMIT') {
        if (!table) throw new ParseError('COMMIT outside a table section', spanOf(src, start, start + 6));
        table = null;
        continue;
      }
      if (!table) throw new ParseError('no table specified: a dump starts each table with a line like *filter', spanOf(src, start, start + text.length));
      if (text.startsWith(':')) {
        const m = /^:(\S+)\s+(\S+)(?:\s+\[(\d+):(\d+)\])?\s*$/.exec(text);
        if (!m) throw new ParseError(`Bad chain declaration \`${text}' (expected :NAME POLICY [packets:bytes])`, spanOf(src, start, start + text.length));
        b.declare(table, m[1], m[2], m[3] !== undefined ? { packets: Number(m[3]), bytes: Number(m[4]) } : null, spanOf(src, start, start + text.length));
        continue;
      }
      let tokens = tokenize(src);
      let counters = null;
      const cm = /^\[(\d+):(\d+)\]$/.exec(tokens[0]?.text ?? '');
      if (cm) {
        counters = { packets: Number(cm[1]), bytes: Number(cm[2]) };
        tokens = tokens.slice(1);
      }
      ctx.table = table;
      ctx.counters = counters;
      ctx.line = src;
      runCommand(tokens, ctx);
    } catch (e) {
      if (e instanceof ParseError) sink.error(e.span ? e : new ParseError(e.message, spanOf(src, 0, src.text.length)));
      else throw e;
    }
  }
  if (table && opened) {
    sink.error(new ParseError(`COMMIT expected at line ${lastLine || src.line}: the *${table} section is never committed, so iptables-restore loads none of it`, spanOf(opened, 0, opened.text.length)));
  }
}

/// A line of a dump: its text is cut from the whole only when asked for (errors, notes, lines that are
/// not rules).
class DumpLine implements SourceLine {
  line = 0;
  offset = 0;
  private end = 0;
  constructor(private readonly whole: string) {}
  at(line: number, offset: number, end: number): void {
    this.line = line;
    this.offset = offset;
    this.end = end;
  }
  get text(): string {
    return this.whole.slice(this.offset, this.end);
  }
}

/// What `declaration` read: offsets in the whole text, counters -1 when the line gives none.
interface Declaration {
  nameEnd: number;
  policyFrom: number;
  policyEnd: number;
  packets: number;
  bytes: number;
  /// The end of the line's text, blanks after it left out.
  end: number;
}
const DECL: Declaration = { nameEnd: 0, policyFrom: 0, policyEnd: 0, packets: -1, bytes: -1, end: 0 };

/// Reads s[from, to) as `:NAME POLICY` with an optional ` [p:b]` into `d`, when the line is only that,
/// in printable ASCII with spaces or tabs between words (what iptables-save writes). Anything else is
/// left to the general way, which reads it or says what is wrong with it.
function declaration(s: string, from: number, to: number, d: Declaration): boolean {
  let i = wordEnd(s, from + 1, to);
  if (i === from + 1) return false;
  d.nameEnd = i;
  d.policyFrom = i = blanksEnd(s, i, to);
  if (i === d.nameEnd) return false;
  d.policyEnd = d.end = i = wordEnd(s, i, to);
  if (i === d.policyFrom) return false;
  d.packets = d.bytes = -1;
  i = blanksEnd(s, i, to);
  if (i < to && s.charCodeAt(i) === 91 /* [ */) {
    if (i === d.policyEnd) return false;
    // [packets:bytes], digits only.
    const p = i + 1, pEnd = digitsEnd(s, p, to);
    if (pEnd === p || s.charCodeAt(pEnd) !== 58 /* : */) return false;
    const b = pEnd + 1, bEnd = digitsEnd(s, b, to);
    if (bEnd === b || s.charCodeAt(bEnd) !== 93 /* ] */) return false;
    d.packets = Number(s.slice(p, pEnd));
    d.bytes = Number(s.slice(b, bEnd));
    d.end = bEnd + 1;
    i = blanksEnd(s, d.end, to);
  }
  if (i < to && s.charCodeAt(i) === 13) i++;
  return i === to;
}

/// The end of the printable ASCII word at s[i] (i itself when there is none).
function wordEnd(s: string, i: number, to: number): number {
  while (i < to) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c >= 127) break;
    i++;
  }
  return i;
}

function blanksEnd(s: string, i: number, to: number): number {
  while (i < to && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  return i;
}

function digitsEnd(s: string, i: number, to: number): number {
  while (i < to && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  return i;
}

/// Whether the first non-blank character of s[from, to) (as String.prototype.trim sees blanks) is `-` or `[`.
function startsRule(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 45 || c === 91) return true;
    // Tab, line feed, vertical tab, form feed, carriage return, space: trim's ASCII blanks. Anything else,
    // other Unicode blanks included, goes the general way.
    if (c !== 32 && (c < 9 || c > 13)) return false;
  }
  return false;
}
