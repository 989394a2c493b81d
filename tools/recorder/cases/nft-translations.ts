// For nft_equiv.py: `nfplay translate` (idiomatic and --compat) of many rulesets in one process, since a
// tsx start per ruleset costs a second. Reads a JSON array of rules texts on stdin; writes, for each, the
// CLI's own output for both modes: [{idiomatic: {code, stdout, stderr}, compat: {...}}, ...].
import { readFileSync } from 'node:fs';
import { translateCommand } from '../../../src/cli/translate';

const rules = JSON.parse(readFileSync(0, 'utf8')) as string[];
const out = rules.map((text) => ({
  idiomatic: translateCommand(text, 'rules', { compat: false, counters: false }),
  compat: translateCommand(text, 'rules', { compat: true, counters: false }),
}));
process.stdout.write(JSON.stringify(out));
