// What compat needs of the source text: the command as written, and whether it was -I.
import type { Rule } from '../engine/model/ruleset';
import { formatRuleSpec } from '../engine/print/save';
import { tokenize } from '../engine/parse/tokens';

export interface Written {
  /// The arguments as iptables received them (quotes removed), from the command word on.
  args: string[];
  insert: boolean;
  /// `-I CHAIN N`: N (null for -A, or -I without a number).
  position: number | null;
}

const INSERT = new Set(['-I', '--insert']);
const COMMAND = /^(-[AIRD]|--append|--insert|--replace|--delete)$/;

export function written(r: Rule, source: string | undefined): Written {
  if (source === undefined) return { args: ['-A', r.chain, ...formatRuleSpec(r).split(' ').filter(Boolean)], insert: false, position: null };
  const text = source.slice(r.span.from, r.span.to);
  let toks: string[];
  try {
    toks = tokenize({ text, line: r.span.line, offset: r.span.from }).map((t) => t.text);
  } catch {
    toks = text.split(/\s+/);
  }
  const ci = toks.findIndex((t) => COMMAND.test(t));
  // Scripts: drop `iptables` and what precedes the first option (getopt permutes, the command may
  // come after -t); keep `-t TABLE` out, compat prints its own.
  const args: string[] = [];
  const start = toks.findIndex((t) => t.startsWith('-'));
  for (let i = Math.max(start, 0); i < toks.length; i++) {
    if ((toks[i] === '-t' || toks[i] === '--table') && i + 1 < toks.length) {
      i++;
      continue;
    }
    args.push(toks[i]);
  }
  const insert = ci >= 0 && INSERT.has(toks[ci]);
  const position = insert && /^\d+$/.test(toks[ci + 2] ?? '') ? Number(toks[ci + 2]) : null;
  return { args, insert, position };
}
