// nfplay lint: exact findings over the space of packets each rule can match, then the operator findings
// (lockout, missing ESTABLISHED, port forwards, needed egress, hygiene). Pure: text in, findings out.
import { parseRuleset } from '../parse/index';
import type { Scenario } from '../model/scenario';
import type { Diagnostic } from '../model/span';
import { LintContext } from './context';
import { byPosition, type Finding } from './finding';
import { parseIntent, type Intent } from './intent';
import { shadowing } from './checks/shadowing';
import { structure } from './checks/structure';
import { lockout } from './checks/lockout';
import { established } from './checks/established';
import { egress } from './checks/egress';
import { dnat } from './checks/dnat';
import { hygiene } from './checks/hygiene';

export interface LintOptions {
  /// The scenario's host (local addresses, forwarding) when the rules come from a scenario.
  host?: Scenario['host'];
  /// The scenario's ipsets (for -m set).
  sets?: Scenario['sets'];
  /// The scenario's "analysis" key, parsed (see intent.ts).
  intent?: Intent;
}

export interface LintResult {
  findings: Finding[];
  /// The parser's own diagnostics (errors make the rules unusable for analysis where they occur).
  diagnostics: Diagnostic[];
}

export const CHECKS = [shadowing, structure, lockout, established, egress, dnat, hygiene];

export function lint(text: string, opts: LintOptions = {}): LintResult {
  const { ruleset, diagnostics } = parseRuleset(text);
  const ctx = new LintContext(text, ruleset, opts.intent ?? parseIntent(undefined), opts.host, opts.sets);
  const findings = CHECKS.flatMap((check) => check(ctx)).sort(byPosition);
  return { findings, diagnostics };
}

/// A scenario's rules, with its host and "analysis" intent.
export function lintScenario(s: Scenario & { analysis?: unknown }): LintResult {
  return lint(s.rules ?? '', { host: s.host, sets: s.sets, intent: parseIntent(s.analysis) });
}
