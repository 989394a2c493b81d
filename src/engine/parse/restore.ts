// iptables-save / iptables-restore dumps: `*table`, `:CHAIN POLICY [p:b]`, `[p:b] -A ...`, COMMIT.
import { ParseError } from '../model/span';
import type { TableName } from '../model/ruleset';
import type { RulesetBuilder } from './builder';
import { parseTable, runCommand, type CommandContext } from './command';
import { spanOf, tokenize, tokenizeIn, Words, type SourceLine } from './tokens';

export interface Sink {
  error(e: ParseError): void;
  info(message: string, line: SourceLine): void;
}

/// Reads the dump a line at a time: a line's text and words are dropped as soon as it is parsed, so a big
/// dump's millions of words never outlive their line.
export function parseRestore(whole: string, b: RulesetBuilder, sink: Sink): void {
  let table: TableName | null = null;
  let opened: SourceLine | null = null;
  let lastText: SourceLine | null = null;
  let src: SourceLine = new DumpLine(whole, 0, 0, 0);
  const words = new Words();
  // One context for every line (this loop runs once per rule of 100k-rule dumps).
  const ctx: CommandContext & { line: SourceLine | null } = {
    builder: b, table: 'filter', allowTable: false, counters: null, line: null,
    onIpv6Only: () => sink.info('IPv6-only rule (-6) skipped, as iptables does', ctx.line!),
  };
  for (let offset = 0, line = 1; offset <= whole.length; line++) {
    let end = whole.indexOf('\n', offset);
    if (end < 0) end = whole.length;
    src = new DumpLine(whole, line, offset, end);
    const from = offset;
    offset = end + 1;
    try {
      // Rule lines (most of a dump) start, after blanks, with `-` or `[`: they are read in place.
      if (table && startsRule(whole, from, end)) {
        lastText = src;
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
      const full = src.text;
      const text = full.trim();
      if (text !== '') lastText = src;
      if (text === '' || text.startsWith('#')) continue;
      const start = full.indexOf(text[0]);
      if (text.startsWith('*')) {
        if (table) throw new ParseError(`Bad argument \`${text}': the *${table} section above has no COMMIT`, spanOf(src, start, start + text.length));
        const name = text.slice(1).trim();
        table = parseTable({ text: name, span: spanOf(src, start + 1, start + text.length) });
        opened = src;
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
    const last = lastText ?? src;
    sink.error(new ParseError(`COMMIT expected at line ${last.line}: the *${table} section is never committed, so iptables-restore loads none of it`, spanOf(opened, 0, opened.text.length)));
  }
}

/// A line of a dump: its text is cut from the whole only when asked for (errors, notes, lines that are
/// not rules).
class DumpLine implements SourceLine {
  constructor(private readonly whole: string, readonly line: number, readonly offset: number, private readonly end: number) {}
  get text(): string {
    return this.whole.slice(this.offset, this.end);
  }
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
