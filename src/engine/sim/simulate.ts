// The engine's entry point: a scenario in, the fixed result format out (DESIGN.md sections 2 and 3).
import { parseRuleset } from '../parse/index';
import type { Ruleset } from '../model/ruleset';
import type { Scenario } from '../model/scenario';
import type { Quoted } from '../model/packet';
import type { PacketResult, SimResult } from '../model/trace';
import type { Diagnostic } from '../model/span';
import { ConnTable } from './conntrack';
import { Host } from './host';
import { toPacket } from './packet-spec';
import { processPacket, quoteOf, type RunState } from './pipeline';
import { Program } from './program';
import { createSetStore } from './sets';
import { saveWithCounters } from '../print/counters';

export interface SimOptions {
  /// Seed of the generator behind `statistic --mode random` and random NAT choices.
  seed?: number;
  /// Trace steps carry `skipped`: the rules before them that did not match, and why (for the playground).
  explain?: boolean;
}

export interface SimOutput extends SimResult {
  diagnostics: Diagnostic[];
  /// Modules the run evaluated that are parsed but not simulated, with the reason.
  unsimulated: Record<string, string>;
  program: Program;
}

/// mulberry32: small, fast and reproducible.
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/// Packets without a `time` are 10 ms apart, about as fast as a recorder sends them.
export const DEFAULT_SPACING = 0.01;

export function simulateRuleset(ruleset: Ruleset, scenario: Scenario, opts: SimOptions = {}): Omit<SimOutput, 'diagnostics'> {
  const host = new Host(scenario.host ?? { interfaces: [] });
  const program = new Program(ruleset);
  const run: RunState = {
    program, host, sets: createSetStore(scenario.sets), conns: new ConnTable(), shared: new Map(),
    random: seeded(opts.seed ?? 1), explain: opts.explain ?? false,
  };
  const history: Quoted[] = [];
  const findQuote = (errSrc: number, errDst: number) =>
    history.findLast((q) => q.src === errDst && q.dst === errSrc) ?? history.findLast((q) => q.src === errDst);
  const results: PacketResult[] = [];
  (scenario.packets ?? []).forEach((spec, i) => {
    const pkt = toPacket(spec, i, host, findQuote);
    history.push(quoteOf(pkt));
    const now = spec.time ?? i * DEFAULT_SPACING;
    results.push(processPacket(run, pkt, now));
  });
  const unsimulated = Object.fromEntries(program.notes.unsimulated);
  return { packets: results, counters: saveWithCounters(program), unsimulated, program };
}

export function simulate(scenario: Scenario, opts: SimOptions = {}): SimOutput {
  const { ruleset, diagnostics } = parseRuleset(scenario.rules ?? '');
  return { ...simulateRuleset(ruleset, scenario, opts), diagnostics };
}
