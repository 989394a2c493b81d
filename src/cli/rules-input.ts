// A command's RULES argument: a ruleset (dump, script or `iptables -S` listing), or a scenario JSON whose
// rules, host and extension keys (matrix, proposal) come with it. Errors name the file, line and column.
import { parseRuleset } from '../engine/parse/index';
import type { Ruleset } from '../engine/model/ruleset';
import type { Scenario } from '../engine/model/scenario';
import { parseJson, ScenarioInputError, toScenario } from '../share/scenario-json';

export interface RulesInput {
  rules: string;
  ruleset: Ruleset;
  /// Where a rule's line is: `rules.sh`, or `scenario.json rules` for a scenario's rules text.
  where: string;
  scenario: Scenario | null;
}

export class InputError extends Error {}

/// Reads and parses; throws InputError with every parse error as `nfplay: FILE:LINE:COL: message` lines.
export function readRules(text: string, name: string, pick: (s: Scenario) => string | undefined = (s) => s.rules): RulesInput {
  let rules = text;
  let where = name;
  let scenario: Scenario | null = null;
  if (/^\s*\{/.test(text)) {
    try {
      scenario = toScenario(parseJson(text));
    } catch (e) {
      if (e instanceof ScenarioInputError) throw new InputError(`nfplay: ${name}${e.line ? `:${e.line}:${e.column}` : ''}: ${e.message}\n`);
      throw e;
    }
    const picked = pick(scenario);
    if (picked === undefined) throw new InputError(`nfplay: ${name}: the scenario has no "proposal" to compare with its rules\n`);
    rules = picked;
    where = `${name} ${pick === readRules.proposal ? 'proposal' : 'rules'}`;
  }
  const { ruleset, diagnostics } = parseRuleset(rules);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new InputError(errors.map((d) => `nfplay: ${where}:${d.line}:${d.column}: ${d.message}\n`).join(''));
  return { rules, ruleset, where, scenario };
}

/// Picks a scenario's proposed change instead of its rules.
readRules.proposal = (s: Scenario) => s.proposal;
