// Canonical output against the kernel: each save-cases/*.rules was loaded with iptables-restore 1.8.9 in a
// network namespace and listed back (tools/record-save.sh); nfplay must print the same, byte for byte.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/engine/parse/index';
import { listTable } from '../../src/engine/print/list';
import { saveRuleset } from '../../src/engine/print/save';
import type { TableName } from '../../src/engine/model/ruleset';

const DIR = join(__dirname, 'save-cases');
const zero = { rule: () => ({ packets: 0, bytes: 0 }), policy: () => ({ packets: 0, bytes: 0 }) };

describe('iptables-save and iptables -L as the kernel prints them', () => {
  for (const f of readdirSync(DIR).filter((n) => n.endsWith('.rules'))) {
    const base = join(DIR, f.replace(/\.rules$/, ''));
    const { ruleset, diagnostics } = parseRuleset(readFileSync(join(DIR, f), 'utf8'));
    it(`${f}: iptables-save`, () => {
      expect(diagnostics).toEqual([]);
      expect(saveRuleset(ruleset)).toBe(readFileSync(`${base}.saved`, 'utf8'));
    });
    it(`${f}: iptables -L -n -v --line-numbers`, () => {
      const expected = readFileSync(`${base}.listed`, 'utf8');
      const ours = [...ruleset.tables.keys()]
        .sort((a, b) => expected.indexOf(`# table ${a}\n`) - expected.indexOf(`# table ${b}\n`))
        .map((t: TableName) => `# table ${t}\n${listTable(ruleset, t, zero, { lineNumbers: true })}`)
        .join('');
      expect(ours).toBe(expected);
    });
  }
});
