// The dependency direction of DESIGN.md section 1, and the module registry's completeness.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MATCHES, TARGETS } from '../../src/engine/modules/registry';

const SRC = resolve(__dirname, '../../src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|svelte)$/.test(n) ? [p] : [];
  });
}

/// Which top-level folders each may import from.
const ALLOWED: Record<string, string[]> = {
  engine: ['engine'],
  nft: ['engine', 'nft'],
  share: ['engine', 'share'],
  worker: ['engine', 'nft', 'share', 'worker'],
  cli: ['engine', 'nft', 'share', 'cli'],
  ui: ['ui', 'worker', 'share', 'engine'],
};

describe('architecture', () => {
  it('imports only in the allowed direction', () => {
    const bad: string[] = [];
    for (const file of walk(SRC)) {
      const from = relative(SRC, file).split('/')[0];
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/from\s+['"](\.[^'"]+)['"]/g)) {
        const target = relative(SRC, resolve(file, '..', m[1])).split('/')[0];
        if (ALLOWED[from] && !ALLOWED[from].includes(target)) bad.push(`${relative(SRC, file)} imports ${m[1]}`);
        // ui may import engine types, and data from engine/model; never engine code.
        const resolved = relative(SRC, resolve(file, '..', m[1]));
        if (from === 'ui' && target === 'engine' && !resolved.startsWith('engine/model/') && !/import\s+type/.test(text.slice(text.lastIndexOf('\n', m.index!) + 1, m.index!)))
          bad.push(`${relative(SRC, file)} imports engine code, not only types`);
      }
      if (from === 'engine' && /from\s+['"]node:/.test(text)) bad.push(`${relative(SRC, file)} uses a Node API`);
    }
    expect(bad).toEqual([]);
  });

  it('registers every module file', () => {
    const dir = join(SRC, 'engine/modules');
    const files = [...readdirSync(join(dir, 'matches')), ...readdirSync(join(dir, 'targets'))].filter((f) => f.endsWith('.ts'));
    const registered = readFileSync(join(dir, 'registry.ts'), 'utf8');
    const missing = files.filter((f) => !registered.includes(`/${f.replace(/\.ts$/, '')}'`));
    expect(missing).toEqual([]);
  });

  it('gives every module a unique name and help for every option', () => {
    const names = [...MATCHES.map((m) => `m:${m.name}`), ...TARGETS.map((t) => `t:${t.name}`)];
    expect(new Set(names).size).toBe(names.length);
    for (const m of [...MATCHES, ...TARGETS]) for (const o of m.options) expect(o.help, `${m.name} --${o.name}`).not.toBe('');
  });
});
