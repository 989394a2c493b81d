// Simulating a scenario's `nft` ruleset (DESIGN.md section 2) through the engine's pipeline, and the
// dispatch between the two simulators for callers that take any scenario (the CLI, the kernel replay).
import type { Scenario } from '../../engine/model/scenario';
import type { Diagnostic } from '../../engine/model/span';
import type { PacketResult } from '../../engine/model/trace';
import { ProgramRun, simulate, type SimOptions } from '../../engine/sim/simulate';
import { parseNft, type NftDiagnostic } from '../parse/ruleset';
import { NftProgram } from './program';

export interface NftSimOutput {
  packets: PacketResult[];
  /// `nft list ruleset` with the run's counters.
  counters: string;
  diagnostics: Diagnostic[];
  unsimulated: Record<string, string>;
  program: NftProgram;
}

const asDiagnostic = (d: NftDiagnostic): Diagnostic => ({
  severity: 'error', message: d.message, line: d.line, column: d.column, endLine: d.line, endColumn: d.column + 1, from: 0, to: 0,
});

/// Parses and compiles an nft ruleset; its errors carry line and column.
export function compileNft(text: string): { program: NftProgram; diagnostics: Diagnostic[] } {
  const { ruleset, diagnostics } = parseNft(text);
  const program = new NftProgram(ruleset);
  return { program, diagnostics: [...diagnostics, ...program.diagnostics].map(asDiagnostic) };
}

export function simulateNft(scenario: Scenario, opts: SimOptions = {}): NftSimOutput {
  const { program, diagnostics } = compileNft(scenario.nft ?? '');
  const run = new ProgramRun(program, scenario, opts);
  const packets = (scenario.packets ?? []).map((p) => run.send(p));
  return { packets, counters: run.counters(), diagnostics, unsimulated: run.unsimulated(), program };
}

/// The scenario's `nft` ruleset when it has one, else its iptables `rules`.
export function simulateScenario(scenario: Scenario, opts: SimOptions = {}): Omit<NftSimOutput, 'program'> {
  if (typeof scenario.nft === 'string') {
    const { program: _p, ...out } = simulateNft(scenario, opts);
    return out;
  }
  const { program: _p, ...out } = simulate(scenario, opts);
  return out;
}
