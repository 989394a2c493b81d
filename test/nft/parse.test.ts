// The nft parser reads both forms, and every translation nfplay writes of the corpus, rule for rule.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/engine/parse/index';
import { parseNft } from '../../src/nft/parse/ruleset';
import { translateRuleset } from '../../src/nft/translate';
import { hasShared, SHARED } from '../helpers/shared';

const count = (text: string) => [...parseNft(text).ruleset.tables.values()].reduce((n, t) => n + [...t.chains.values()].reduce((m, c) => m + c.rules.length, 0), 0);

describe('nft parser', () => {
  it('reads the declarative form', () => {
    const { ruleset, diagnostics } = parseNft(`table inet fw {
	set blocked { type ipv4_addr; flags interval; elements = { 10.0.0.0/8,
		192.168.0.0/16 } }
	chain input {
		type filter hook input priority filter; policy drop;
		ct state vmap { established : accept, related : accept, invalid : drop }
		iifname "lo" accept # loopback
		tcp dport { 22, 80 } log prefix "in: " accept
	}
	chain user { }
}
`);
    expect(diagnostics).toEqual([]);
    const t = ruleset.tables.get('inet fw')!;
    expect(t.objects.get('set blocked')).toEqual(['{', 'type', 'ipv4_addr', ';', 'flags', 'interval', ';', 'elements', '=', '{', '10.0.0.0/8,', '192.168.0.0/16', '}', '}']);
    const input = t.chains.get('input')!;
    expect(input.base).toEqual({ type: 'filter', hook: 'input', priority: 'filter', policy: 'drop' });
    expect(input.rules.map((r) => [r.line, r.words.join(' ')])).toEqual([
      [6, 'ct state vmap { established : accept, related : accept, invalid : drop }'],
      [7, 'iifname lo accept'],
      [8, 'tcp dport { 22, 80 } log prefix in:  accept'],
    ]);
    expect(t.chains.get('user')!.rules).toEqual([]);
  });

  it('reads command lists: add, insert, delete, flush', () => {
    const { ruleset, diagnostics } = parseNft(`add table ip filter
add chain ip filter INPUT { type filter hook input priority 0; policy accept; }
add rule ip filter INPUT tcp dport 22 counter accept
insert rule ip filter INPUT iifname "lo" counter accept
add table ip nat
delete table ip nat
`);
    expect(diagnostics).toEqual([]);
    expect([...ruleset.tables.keys()]).toEqual(['ip filter']);
    expect(ruleset.tables.get('ip filter')!.chains.get('INPUT')!.rules.map((r) => r.words.join(' '))).toEqual(['iifname lo counter accept', 'tcp dport 22 counter accept']);
  });

  it('reports errors with line and column and keeps going', () => {
    const { ruleset, diagnostics } = parseNft('add rule ip filter\nbogus command\ntable ip t { chain c { policy drop; } }\nadd table ip ok\n');
    expect(diagnostics).toEqual([
      { line: 1, column: 19, message: 'chain name expected' },
      { line: 2, column: 1, message: 'unknown command "bogus"' },
      { line: 3, column: 31, message: 'a policy needs a base chain (type ... hook ...)' },
    ]);
    expect(ruleset.tables.has('ip ok')).toBe(true);
  });
});

describe.skipIf(!hasShared)('nft parser on nfplay translations of the corpus', { timeout: 60_000 }, () => {
  const REAL = join(SHARED, 'corpus/real');
  for (const file of hasShared ? readdirSync(REAL).filter((f) => f.endsWith('.rules')) : []) {
    it(file, () => {
      const text = readFileSync(join(REAL, file), 'utf8');
      const { ruleset } = parseRuleset(text);
      for (const mode of ['compat', 'idiomatic'] as const) {
        const t = translateRuleset(ruleset, { mode, source: text });
        expect(parseNft(t.text).diagnostics).toEqual([]);
        expect(count(t.text)).toBe(t.rules);
      }
    });
  }
});
