// For check-corpus.py: both translations of every ruleset of ../shared/corpus/real, as JSON on stdout.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRuleset } from '../../src/engine/parse/index';
import { translateRuleset } from '../../src/nft/translate';

const REAL = join(import.meta.dirname, '../../../shared/corpus/real');
const out = readdirSync(REAL).filter((f) => f.endsWith('.rules')).sort().map((file) => {
  const text = readFileSync(join(REAL, file), 'utf8');
  const { ruleset, diagnostics } = parseRuleset(text);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const compat = translateRuleset(ruleset, { mode: 'compat', source: text });
  const idiomatic = translateRuleset(ruleset, { mode: 'idiomatic', source: text });
  const input = [...ruleset.tables.values()].reduce((n, t) => n + [...t.chains.values()].reduce((m, c) => m + c.rules.length, 0), 0);
  return {
    file, errors, input,
    compat: { text: compat.text, rules: compat.rules, untranslated: compat.untranslated.length },
    idiomatic: { text: idiomatic.text, rules: idiomatic.rules, untranslated: idiomatic.untranslated.length },
  };
});
process.stdout.write(JSON.stringify(out));
