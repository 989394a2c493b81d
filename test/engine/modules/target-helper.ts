// Drives a target through the real parser and printer: one rule in a built-in chain, as iptables-restore
// would load it. Used by the target tests in this folder.
import { expect } from 'vitest';
import { parseRuleset } from '../../../src/engine/parse';
import { saveRuleset } from '../../../src/engine/print/save';
import type { Rule, TableName } from '../../../src/engine/model/ruleset';
import type { TargetModule } from '../../../src/engine/modules/types';

function load(table: TableName, chain: string, spec: string) {
  const { ruleset, diagnostics } = parseRuleset(`*${table}\n-A ${chain} ${spec}\nCOMMIT\n`);
  return { ruleset, diagnostics };
}

/// The rule's line as iptables-save prints it.
export function saved(table: TableName, chain: string, spec: string): string {
  const { ruleset, diagnostics } = load(table, chain, spec);
  expect(diagnostics.map((d) => d.message)).toEqual([]);
  return saveRuleset(ruleset).split('\n').find((l) => l.startsWith('-A '))!;
}

/// The first error iptables would give for the rule.
export function error(table: TableName, chain: string, spec: string): string {
  const { diagnostics } = load(table, chain, spec);
  expect(diagnostics.length).toBeGreaterThan(0);
  return diagnostics[0].message;
}

/// The loaded rule and its target's finalized options.
export function target<O>(table: TableName, chain: string, spec: string): { rule: Rule; module: TargetModule<O>; options: O } {
  const { ruleset, diagnostics } = load(table, chain, spec);
  expect(diagnostics.map((d) => d.message)).toEqual([]);
  const rule = ruleset.tables.get(table)!.chains.get(chain)!.rules[0];
  if (rule.target.kind !== 'module') throw new Error('no target module');
  return { rule, module: rule.target.module as TargetModule<O>, options: rule.target.options as O };
}

/// What `iptables -L -n` prints in the last column for the rule's target.
export function listed(table: TableName, chain: string, spec: string): string {
  const t = target(table, chain, spec);
  return t.module.list(t.options);
}
