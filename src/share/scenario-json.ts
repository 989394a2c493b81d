// Reading scenario JSON from text: parse errors with line and column, the shape checked with the path
// of the offending field, older versions migrated. DOM-free: the CLI and the playground both use it.
import type { Scenario } from '../engine/model/scenario';

export class ScenarioInputError extends Error {
  constructor(message: string, public line?: number, public column?: number) {
    super(message);
    this.name = 'ScenarioInputError';
  }
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const lc = /line (\d+) column (\d+)/.exec(msg);
    if (lc) throw new ScenarioInputError(`invalid JSON: ${msg.replace(/ in JSON at .*| \(line.*$/, '')}`, Number(lc[1]), Number(lc[2]));
    if (pos) {
      const { line, column } = lineColumn(text, Number(pos[1]));
      throw new ScenarioInputError(`invalid JSON: ${msg.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*$/, '')}`, line, column);
    }
    const end = lineColumn(text, text.length);
    throw new ScenarioInputError(`invalid JSON: ${msg}`, end.line, end.column);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/// Checks the shape of one scenario (the values themselves are checked by the engine, with their path).
export function toScenario(v: unknown, where = 'scenario'): Scenario {
  if (!isObj(v)) throw new ScenarioInputError(`${where}: a scenario is a JSON object with "host", "rules" and "packets"`);
  const version = v.version ?? 1;
  if (version !== 1) throw new ScenarioInputError(`${where}.version: version ${String(version)} is newer than this nfplay understands (1)`);
  const host = v.host ?? { interfaces: [] };
  if (!isObj(host)) throw new ScenarioInputError(`${where}.host: must be an object with "interfaces"`);
  if (host.interfaces !== undefined && !Array.isArray(host.interfaces)) throw new ScenarioInputError(`${where}.host.interfaces: must be a list`);
  if (host.routes !== undefined && !Array.isArray(host.routes)) throw new ScenarioInputError(`${where}.host.routes: must be a list`);
  if (v.rules !== undefined && typeof v.rules !== 'string') throw new ScenarioInputError(`${where}.rules: must be a string holding the ruleset`);
  if (v.packets !== undefined && !Array.isArray(v.packets)) throw new ScenarioInputError(`${where}.packets: must be a list`);
  (v.packets as unknown[] | undefined)?.forEach((p, i) => {
    if (!isObj(p)) throw new ScenarioInputError(`${where}.packets[${i}]: a packet is an object`);
  });
  return { version: 1, host: { interfaces: [], ...host } as Scenario['host'], rules: (v.rules as string) ?? '', packets: (v.packets as Scenario['packets']) ?? [], ...(v.sets ? { sets: v.sets as Scenario['sets'] } : {}), ...(v.nft ? { nft: v.nft as string } : {}), ...(Array.isArray(v.randomDraws) ? { randomDraws: v.randomDraws as number[] } : {}), ...(v.analysis !== undefined ? { analysis: v.analysis } : {}), ...(typeof v.matrix === 'string' ? { matrix: v.matrix } : {}), ...(typeof v.proposal === 'string' ? { proposal: v.proposal } : {}), ...(v.ui !== undefined ? { ui: v.ui } : {}) };
}

/// A file holding one scenario or a list of them.
export function readScenarios(text: string): Scenario[] {
  const v = parseJson(text);
  return Array.isArray(v) ? v.map((s, i) => toScenario(s, `[${i}]`)) : [toScenario(v)];
}

/// A scenario as the playground's Download button saves it (and `readScenarios` reads it back): JSON
/// indented by two spaces, with a final newline.
export function scenarioFileText(scenario: Scenario): string {
  return JSON.stringify(scenario, null, 2) + '\n';
}
