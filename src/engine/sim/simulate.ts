// The engine's entry point: a scenario in, the fixed result format out (DESIGN.md sections 2 and 3).
import { parseRuleset } from '../parse/index';
import type { Ruleset, TableName } from '../model/ruleset';
import type { PacketSpec, Scenario } from '../model/scenario';
import type { Quoted } from '../model/packet';
import type { PacketResult, SimResult } from '../model/trace';
import type { Diagnostic } from '../model/span';
import { ConnTable } from './conntrack';
import { Host } from './host';
import { toPacket } from './packet-spec';
import { processPacket, quoteOf, type RunState } from './pipeline';
import { Program } from './program';
import type { HookProgram } from './hook-program';
import { createSetStore } from './sets';

export interface SimOptions {
  /// Seed of the generator behind `statistic --mode random` and random NAT choices.
  seed?: number;
  /// Trace steps carry `skipped`: the rules before them that did not match, and why (for the playground).
  explain?: boolean;
}

export interface SimOutput extends SimResult<TableName> {
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

/// Packets without a `time` are 50 ms apart, about as fast as the kernel recorder sends them (it waits for
/// each trace to settle); timing-sensitive behaviour such as the ICMP redirect backoff depends on it.
export const DEFAULT_SPACING = 0.05;

/// A run in progress over a compiled program (iptables or nftables): packets sent one after another with
/// conntrack carrying over.
export class ProgramRun<P extends HookProgram> {
  private run: RunState;
  private history: Quoted[] = [];
  private sent = 0;

  constructor(readonly program: P, scenario: Pick<Scenario, 'host' | 'sets' | 'randomDraws'>, opts: SimOptions = {}) {
    const host = new Host(scenario.host ?? { interfaces: [] });
    const draws = [...(scenario.randomDraws ?? [])];
    const rng = seeded(opts.seed ?? 1);
    this.run = {
      program: this.program, host, sets: createSetStore(scenario.sets), conns: new ConnTable(), shared: new Map(),
      random: () => draws.shift() ?? rng(), explain: opts.explain ?? false,
    };
  }

  send(spec: PacketSpec): PacketResult {
    const i = this.sent++;
    // An ICMP error without "inner" quotes the latest packet from its destination to its source, else the
    // latest one its destination sent.
    const h = this.history;
    const findQuote = (errSrc: number, errDst: number) =>
      h.findLast((q) => q.src === errDst && q.dst === errSrc) ?? h.findLast((q) => q.src === errDst);
    const pkt = toPacket(spec, i, this.run.host, findQuote);
    h.push(quoteOf(pkt));
    return processPacket(this.run, pkt, spec.time ?? i * DEFAULT_SPACING);
  }

  /// The ruleset with its counters as it stands (`iptables-save -c` for iptables).
  counters(): string {
    return this.program.counters();
  }

  unsimulated(): Record<string, string> {
    return Object.fromEntries(this.program.notes.unsimulated);
  }
}

/// A run of an iptables ruleset, compiled once.
export class Simulation extends ProgramRun<Program> {
  constructor(ruleset: Ruleset, scenario: Pick<Scenario, 'host' | 'sets' | 'randomDraws'>, opts: SimOptions = {}) {
    super(new Program(ruleset), scenario, opts);
  }

  /// An iptables run: Program's chains are the ruleset's, so every step names an iptables table.
  override send(spec: PacketSpec): PacketResult<TableName> {
    return super.send(spec) as PacketResult<TableName>;
  }
}

export function simulateRuleset(ruleset: Ruleset, scenario: Scenario, opts: SimOptions = {}): Omit<SimOutput, 'diagnostics'> {
  const sim = new Simulation(ruleset, scenario, opts);
  const packets = (scenario.packets ?? []).map((spec) => sim.send(spec));
  return { packets, counters: sim.counters(), unsimulated: sim.unsimulated(), program: sim.program };
}

export function simulate(scenario: Scenario, opts: SimOptions = {}): SimOutput {
  const { ruleset, diagnostics } = parseRuleset(scenario.rules ?? '');
  return { ...simulateRuleset(ruleset, scenario, opts), diagnostics };
}
