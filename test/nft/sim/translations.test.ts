// The yardstick: every ruleset the translator emits, compat and idiomatic, for every case of
// test/nft/cases and every ruleset of ../shared/corpus/real, parses and simulates without an error;
// what it cannot simulate it says (unsimulated), it does not guess silently.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PacketSpec } from '../../../src/engine/model/scenario';
import { parseRuleset } from '../../../src/engine/parse/index';
import { ProgramRun } from '../../../src/engine/sim/simulate';
import { compileNft } from '../../../src/nft/sim/simulate';
import { translateRuleset } from '../../../src/nft/translate';
import { caseFiles, readCases } from '../case-files';
import { commandCase } from '../command-case';
import { hasShared, SHARED } from '../../helpers/shared';
import { HOST } from '../../helpers/scenario';

const PACKETS: PacketSpec[] = [
  { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport: 22, flags: ['SYN'] },
  { from: 'eth0', src: '198.51.100.7', dst: '10.0.0.5', proto: 'udp', sport: 5353, dport: 53 },
  { from: 'eth1', src: '10.0.0.5', dst: '198.51.100.7', proto: 'icmp', icmpType: 'echo-request' },
  { from: 'local', src: '203.0.113.10', dst: '198.51.100.7', proto: 'tcp', sport: 40001, dport: 443, flags: ['SYN'] },
  { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 443, dport: 40001, flags: ['SYN', 'ACK'] },
];

/// Errors of a translation, with the line they point at.
function problems(text: string): string[] {
  const { program, diagnostics } = compileNft(text);
  const lines = text.split('\n');
  const out = diagnostics.map((d) => `${d.line}:${d.column} ${d.message}: ${lines[d.line - 1]}`);
  if (!out.length) {
    const run = new ProgramRun(program, { host: HOST });
    for (const p of PACKETS) run.send(p);
    run.counters();
  }
  return out;
}

describe('every translation simulates', () => {
  it('of every rule of the translation cases, both flavours', () => {
    const bad: string[] = [];
    let n = 0;
    for (const f of caseFiles())
      for (const c of readCases(f)) {
        const r = commandCase(c.rule);
        if ('error' in r) continue;
        for (const text of [r.compatText, r.idiomatic]) {
          n++;
          bad.push(...problems(text).map((p) => `${f}: ${c.rule}\n  ${p}`));
        }
      }
    expect(n).toBeGreaterThan(1000);
    expect(bad).toEqual([]);
  });

  it.skipIf(!hasShared)('of every real ruleset of the corpus, both flavours', () => {
    const dir = join(SHARED, 'corpus/real');
    const bad: string[] = [];
    const files = readdirSync(dir).filter((f) => f.endsWith('.rules'));
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      const { ruleset } = parseRuleset(text);
      for (const mode of ['compat', 'idiomatic'] as const)
        bad.push(...problems(translateRuleset(ruleset, { mode, source: text }).text).map((p) => `${file} (${mode}): ${p}`));
    }
    expect(files.length).toBeGreaterThan(30);
    expect(bad).toEqual([]);
  });
});
