// Drives a match module through the real parser and printer: one rule in a built-in chain, as
// iptables-restore would load it. Used by the match tests in this folder.
import { expect } from 'vitest';
import { parseRuleset } from '../../../src/engine/parse';
import { saveRuleset } from '../../../src/engine/print/save';
import type { MatchModule } from '../../../src/engine/modules/types';

function load(spec: string, chain = 'INPUT') {
  return parseRuleset(`*filter\n-A ${chain} ${spec}\nCOMMIT\n`);
}

/// The rule as iptables-save prints it, without `-A INPUT `.
export function saved(spec: string, chain = 'INPUT'): string {
  const { ruleset, diagnostics } = load(spec, chain);
  expect(diagnostics.map((d) => d.message)).toEqual([]);
  return saveRuleset(ruleset).split('\n').find((l) => l.startsWith('-A '))!.replace(`-A ${chain} `, '');
}

/// The first error the rule gets.
export function error(spec: string, chain = 'INPUT'): string {
  const { diagnostics } = load(spec, chain);
  expect(diagnostics.length).toBeGreaterThan(0);
  return diagnostics[0].message;
}

/// The last match module of the rule with its finalized options.
export function matchOf<O>(spec: string, chain = 'INPUT'): { module: MatchModule<O>; options: O; state: unknown } {
  const { ruleset, diagnostics } = load(spec, chain);
  expect(diagnostics.map((d) => d.message)).toEqual([]);
  const rule = ruleset.tables.get('filter')!.chains.get(chain)!.rules[0];
  const m = rule.matches[rule.matches.length - 1];
  const module = m.module as MatchModule<O>;
  return { module, options: m.options as O, state: module.createState?.(m.options as O) };
}

/// What `iptables -L -n` prints in the last column for the rule's last match.
export function listed(spec: string): string {
  const m = matchOf(spec);
  return m.module.list(m.options);
}
