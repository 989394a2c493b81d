// Ruleset text in any of the forms people paste: an iptables-save dump, a script of iptables commands,
// or an `iptables -S` listing. Errors are collected per line with their span; the rest still loads.
import type { Ruleset, TableName } from '../model/ruleset';
import { diagnostic, type Diagnostic, ParseError } from '../model/span';
import { RulesetBuilder } from './builder';
import { parseRestore } from './restore';
import { parseScript } from './script';
import { sourceLines, spanOf } from './tokens';

export type InputFormat = 'restore' | 'script';

export function detectFormat(text: string): InputFormat {
  return /^\s*\*[a-z]+\s*$/m.test(text) ? 'restore' : 'script';
}

/// An `iptables -S` listing names no table: its built-in chains tell which one it is.
function listingTable(text: string): TableName {
  const builtins = new Set([...text.matchAll(/^\s*-P\s+(\S+)/gm)].map((m) => m[1]));
  if (/-j\s+(DNAT|SNAT|MASQUERADE|REDIRECT|NETMAP)\b/.test(text) || (builtins.has('PREROUTING') && builtins.has('POSTROUTING') && !builtins.has('FORWARD')))
    return 'nat';
  if (builtins.has('PREROUTING') && builtins.has('FORWARD')) return 'mangle';
  if (builtins.has('PREROUTING') && !builtins.has('INPUT')) return 'raw';
  return 'filter';
}

export interface ParseResult {
  ruleset: Ruleset;
  diagnostics: Diagnostic[];
  format: InputFormat;
}

export function parseRuleset(text: string): ParseResult {
  const format = detectFormat(text);
  const builder = new RulesetBuilder();
  const diagnostics: Diagnostic[] = [];
  const sink = {
    error: (e: ParseError) => diagnostics.push(diagnostic('error', e.message, e.span!)),
    info: (message: string, line: { text: string; line: number; offset: number }) =>
      diagnostics.push(diagnostic('info', message, spanOf(line, 0, line.text.length))),
  };
  if (format === 'restore') parseRestore(text, builder, sink);
  else parseScript(sourceLines(text, true), builder, sink, listingTable(text));
  const ruleset = builder.finish(sink.error);
  diagnostics.sort((a, b) => a.from - b.from);
  ruleset.diagnostics = diagnostics;
  return { ruleset, diagnostics, format };
}
