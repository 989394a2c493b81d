// Every real ruleset of ../shared/corpus: the dumps iptables-restore --test accepts parse without error
// and simulate a SYN to every port their rules name; the ones it rejects get an error on the line
// iptables-restore names.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/engine/parse/index';
import { simulateRuleset } from '../../src/engine/sim/simulate';
import { hasShared, SHARED } from '../helpers/shared';

const REAL = join(SHARED, 'corpus/real');
const GOLDEN = join(SHARED, 'corpus/golden');
const files = hasShared ? readdirSync(REAL).filter((f) => f.endsWith('.rules') && !f.includes('.v6.')) : [];

interface Report {
  kind: string;
  restore_test?: { rc: number; stderr: string };
  restore_commit?: { rc: number; stderr: string };
}

function report(file: string): Report | null {
  try {
    return JSON.parse(readFileSync(join(GOLDEN, file.replace(/\.rules$/, '.report.json')), 'utf8'));
  } catch {
    return null;
  }
}

/// Ports a ruleset names in --dport / --dports, to aim SYNs at.
function ports(text: string): number[] {
  const out = new Set<number>();
  for (const m of text.matchAll(/--dports?\s+([\d,:]+)/g)) for (const p of m[1].split(/[,:]/)) if (p) out.add(Number(p));
  return [...out].filter((p) => p > 0 && p < 65536).slice(0, 50);
}

describe.skipIf(!hasShared)('real rulesets of the corpus', () => {
  for (const file of files) {
    const text = readFileSync(join(REAL, file), 'utf8');
    const rep = report(file);
    // What the kernel loads is the truth: a few dumps pass `iptables-restore --test` yet fail to load
    // (a jump to a chain that does not exist); nfplay reports them as the loading does.
    const failed = [rep?.restore_test, rep?.restore_commit].find((r) => r && r.rc !== 0);
    const accepted = rep?.restore_test ? !failed : null;
    it(`${file}: ${accepted === null ? 'parses' : accepted ? 'parses and simulates' : 'is rejected on the line iptables names'}`, () => {
      const { ruleset, diagnostics } = parseRuleset(text);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      if (accepted === false) {
        expect(errors.length).toBeGreaterThan(0);
        const line = Number(/line:? (\d+)/.exec(failed!.stderr)?.[1] ?? NaN);
        const missing = /Chain '([^']+)' does not exist/.exec(failed!.stderr)?.[1];
        // A failed load (commit) names its COMMIT line; nfplay names the rule that jumps to the missing chain.
        if (failed === rep!.restore_commit && missing) expect(errors.map((e) => e.message)).toContain(`Chain '${missing}' does not exist (no chain or target of that name)`);
        else if (!Number.isNaN(line)) expect(errors.map((e) => e.line)).toContain(line);
        return;
      }
      if (accepted) expect(errors).toEqual([]);
      const packets = ports(text).map((dport) => ({ from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport, flags: ['SYN'] }));
      const out = simulateRuleset(ruleset, {
        version: 1, rules: '', packets,
        host: { interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }, { name: 'eth1', addresses: ['10.0.0.1/24'] }], routes: [{ to: 'default', via: '203.0.113.1' }], forwarding: true },
      });
      expect(out.packets).toHaveLength(packets.length);
      for (const p of out.packets) expect(['delivered', 'forwarded', 'sent', 'dropped', 'rejected']).toContain(p.fate);
    });
  }
});
