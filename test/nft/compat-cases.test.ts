// --compat against the reference (iptables-translate 1.8.9), rule by rule, as recorded in
// test/nft/cases by tools/xlate/record.py. Where the reference's output is valid nft, nfplay prints the
// same, or knowingly differs and says why (a `# nfplay:` note) with output nft -c accepted; where it is
// not, nfplay's output must be valid. The recording is the expected value: re-record after a change.
import { describe, expect, it } from 'vitest';
import { commandCase } from './command-case';
import { caseFiles, readCases } from './case-files';

const valid = (check: string | undefined) => check === 'ok' || !!check?.startsWith('env:');

for (const file of caseFiles()) {
  describe(file, () => {
    for (const c of readCases(file)) {
      it(c.rule, () => {
        const got = commandCase(c.rule);
        if ('error' in got) {
          // nfplay refuses the rule: so must the reference, or the recording says nfplay did.
          expect(`ERROR: ${got.error}`).toBe(c.ours ?? c.ref);
          return;
        }
        expect(got.compat).toBe(c.ours ?? c.ref);
        expect(got.notes).toEqual(c.note);
        if (c.ours !== undefined && c['ref-check'] === 'ok' && !got.untranslated) {
          // A deliberate difference from valid reference output: declared, and valid itself.
          expect(got.notes.length).toBeGreaterThan(0);
        }
        if (c['ref-check'] !== 'ok' || c.ours !== undefined) expect(valid(c['ours-check'])).toBe(true);
        expect(valid(c['idiomatic-check'])).toBe(true);
      });
    }
  });
}
