// iptables-save / iptables-restore dumps: `*table`, `:CHAIN POLICY [p:b]`, `[p:b] -A ...`, COMMIT.
import { ParseError } from '../model/span';
import type { TableName } from '../model/ruleset';
import type { RulesetBuilder } from './builder';
import { parseTable, runCommand, type CommandContext } from './command';
import { spanOf, tokenize, type SourceLine } from './tokens';

export interface Sink {
  error(e: ParseError): void;
  info(message: string, line: SourceLine): void;
}

export function parseRestore(lines: SourceLine[], b: RulesetBuilder, sink: Sink): void {
  let table: TableName | null = null;
  let opened: SourceLine | null = null;
  // One context for every line (this loop runs once per rule of 100k-rule dumps).
  const ctx: CommandContext & { line: SourceLine | null } = {
    builder: b, table: 'filter', allowTable: false, counters: null, line: null,
    onIpv6Only: () => sink.info('IPv6-only rule (-6) skipped, as iptables does', ctx.line!),
  };
  for (const src of lines) {
    try {
      const text = src.text.trim();
      if (text === '' || text.startsWith('#')) continue;
      const start = src.text.indexOf(text[0]);
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
    const last = lines.findLast((l) => l.text.trim() !== '') ?? lines[lines.length - 1];
    sink.error(new ParseError(`COMMIT expected at line ${last.line}: the *${table} section is never committed, so iptables-restore loads none of it`, spanOf(opened, 0, opened.text.length)));
  }
}
