// The nftables preview's worker side: the text is the translator's, unchanged by the counters used to
// map it, and every translated rule of every gallery example has its line.
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/engine/parse/index';
import { translateRuleset } from '../../src/nft/translate';
import { EXAMPLES } from '../../src/ui/examples';
import { api, type NftPreview } from '../../src/worker/api';

describe('nftables preview', () => {
  for (const ex of EXAMPLES)
    for (const mode of ['compat', 'idiomatic'] as const)
      it(`${ex.id} (${mode})`, async () => {
        const rules = ex.scenario.rules;
        const p = (await api.translate(mode, rules, ex.scenario.sets)) as NftPreview;
        expect(p.error).toBeNull();
        const plain = translateRuleset(parseRuleset(rules).ruleset, { mode, source: rules, sets: ex.scenario.sets });
        expect(p.lines.join('\n') + '\n').toBe(plain.text);
        expect(p.untranslated).toEqual(plain.untranslated);
        const { ruleset } = parseRuleset(rules);
        const mapped = new Set(p.from.flat());
        const failed = new Set(p.untranslated.map((u) => u.line));
        for (const t of ruleset.tables.values())
          for (const c of t.chains.values())
            for (const r of c.rules) if (!failed.has(r.span.line)) expect(mapped.has(r.span.line), `line ${r.span.line}`).toBe(true);
      });

  it('uses the rules of the last run when none are sent', async () => {
    const ex = EXAMPLES[0];
    api.run(ex.scenario);
    const p = (await api.translate('idiomatic')) as NftPreview;
    expect(p.lines.some((l) => /tcp dport \{ 22, 80, 443 \} accept/.test(l))).toBe(true);
  });
});
