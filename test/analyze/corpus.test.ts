// nfplay lint finishes on every real dump of ../shared/corpus (skipped when it is absent), quickly.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/engine/analyze/lint';
import { hasShared, SHARED } from '../helpers/shared';

const REAL = join(SHARED, 'corpus/real');

describe.skipIf(!hasShared)('lint over the corpus', () => {
  it('finishes on every dump, each in under 3 s, with findings placed on real lines', () => {
    for (const f of readdirSync(REAL).filter((x) => x.endsWith('.rules'))) {
      const text = readFileSync(join(REAL, f), 'utf8');
      const lines = text.split('\n').length;
      const t = performance.now();
      const { findings } = lint(text);
      expect(performance.now() - t, f).toBeLessThan(3000);
      for (const x of findings) {
        expect(x.line, `${f}: ${x.message}`).toBeGreaterThanOrEqual(1);
        expect(x.line, `${f}: ${x.message}`).toBeLessThanOrEqual(lines);
        expect(x.message.includes('\n'), `${f}: ${x.message}`).toBe(false);
      }
    }
  });
});
