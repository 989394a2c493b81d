// What compat needs of the source text: the command as written, and whether it was -I.
import type { Rule } from '../engine/model/ruleset';
import { formatRuleSpec } from '../engine/print/save';
import { tokenize } from '../engine/parse/tokens';

/// The arguments as iptables received them (quotes removed), from the command on, without `-t TABLE`
/// (compat prints its own): what iptables-translate echoes for a rule it cannot translate.
export function writtenArgs(r: Rule, source: string | undefined): string[] {
  if (source === undefined) return ['-A', r.chain, ...formatRuleSpec(r).split(' ').filter(Boolean)];
  const text = source.slice(r.span.from, r.span.to);
  let toks: string[];
  try {
    toks = tokenize({ text, line: r.span.line, offset: r.span.from }).map((t) => t.text);
  } catch {
    toks = text.split(/\s+/);
  }
  const args: string[] = [];
  // Scripts: what precedes the first option is the program (`iptables`, `sudo iptables`, `$IPT`).
  for (let i = Math.max(toks.findIndex((t) => t.startsWith('-')), 0); i < toks.length; i++) {
    if ((toks[i] === '-t' || toks[i] === '--table') && i + 1 < toks.length) i++;
    else args.push(toks[i]);
  }
  return args;
}

/// What insertPositions and replacedRules return for a source with no -I or -R (callers may skip the
/// per-rule question).
export const NO_POSITION = (_r: Rule): number | null => null;
export const NOT_REPLACED = (_r: Rule): boolean => false;

/// -I, --insert, -R or --replace anywhere: one look at the whole source, which most do not have.
const PLACED = /(?:^|\s)(?:-I|--insert|-R|--replace)\s/;

/// Whether the source may hold -I or -R commands (insertPositions and replacedRules say which).
export function placesRules(source: string | undefined): boolean {
  return source !== undefined && PLACED.test(source);
}

const INSERT = /(?:^|\s)(?:-I|--insert)\s+\S+(?:\s+(\d+)(?=\s|$))?/;
const ANY_INSERT = /(?:^|\s)(?:-I|--insert)\s/;

/// `-I CHAIN [N]` of each rule: the position (1 without N), null for any other command. One look at
/// the whole source first: most have no -I at all.
export function insertPositions(source: string | undefined): (r: Rule) => number | null {
  if (source === undefined || !ANY_INSERT.test(source)) return NO_POSITION;
  return (r) => {
    const m = INSERT.exec(source.slice(r.span.from, r.span.to));
    return m ? Number(m[1] ?? 1) : null;
  };
}

const REPLACE = /(?:^|\s)(?:-R|--replace)\s/;

/// Whether a rule came from `-R CHAIN N`: it stands where the rule it replaced stood.
export function replacedRules(source: string | undefined): (r: Rule) => boolean {
  if (source === undefined || !REPLACE.test(source)) return NOT_REPLACED;
  return (r) => REPLACE.test(source.slice(r.span.from, r.span.to));
}
