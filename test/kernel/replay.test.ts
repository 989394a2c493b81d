// Replays every kernel-recorded case (tools/recorder) through the engine and requires the same fate,
// egress, ordered trace, conntrack state, final header, generated packets and iptables-save -c text
// (for a scenario with an `nft` ruleset: the nft simulator, and every counter's packets and bytes).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateScenario } from '../../src/nft/sim/simulate';
import { counterValues } from '../../src/nft/sim/list';
import type { Scenario } from '../../src/engine/model/scenario';
import type { Header, PacketResult } from '../../src/engine/model/trace';

const ROOT = join(__dirname, 'cases');

interface Case {
  description: string;
  scenario: Scenario;
  kernel?: { packets: PacketResult[]; counters: string };
  /// Paths the kernel chose at random (a NAT source port): not compared.
  random?: string[];
}

/// Removes `packets[1].final.sport` and the like from a result before comparing.
function unset(root: unknown, path: string): void {
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let o = root as Record<string, unknown> | undefined;
  for (const k of keys.slice(0, -1)) o = o?.[k] as Record<string, unknown> | undefined;
  if (o) delete o[keys[keys.length - 1]];
}

function files(dir: string): string[] {
  let out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(files(p));
    else if (n.endsWith('.json')) out.push(p);
  }
  return out;
}

const header = (h: Header | null | undefined) =>
  h ? { src: h.src, dst: h.dst, ...(h.sport != null ? { sport: h.sport } : {}), ...(h.dport != null ? { dport: h.dport } : {}) } : null;

/// The fixed fields of DESIGN.md section 3, nothing more: extensions are the engine's own business.
function norm(p: PacketResult): unknown {
  return {
    fate: p.fate,
    out: p.out ?? null,
    ctState: p.ctState,
    trace: p.trace.map(({ table, chain, rule, verdict }) => ({ table, chain, rule, verdict })),
    final: header(p.final),
    generated: (p.generated ?? []).map(norm),
  };
}

const cases = (() => {
  try {
    return files(ROOT);
  } catch {
    return [];
  }
})();

describe('kernel-recorded scenarios', () => {
  it('has recorded cases to replay', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const file of cases) {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Case;
    const name = relative(ROOT, file).replace(/\.json$/, '');
    it.skipIf(!c.kernel)(`${name}: ${c.description}`, () => {
      const out = simulateScenario(c.scenario);
      expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const ours = { packets: out.packets.map(norm) }, theirs = { packets: c.kernel!.packets.map(norm) };
      for (const path of c.random ?? []) [ours, theirs].forEach((x) => unset(x, path));
      expect(ours.packets).toEqual(theirs.packets);
      // nft lists rules in its own canonical words: an nft ruleset's counters are compared by place.
      if (typeof c.scenario.nft === 'string') expect(counterValues(out.counters)).toEqual(counterValues(c.kernel!.counters));
      else expect(out.counters).toBe(c.kernel!.counters);
    });
  }
});
