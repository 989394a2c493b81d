// The nftables preview's worker side: the text is the translator's, unchanged by the counters used to
// map it, every translated rule of every gallery example has its line, and a translation longer than the
// lines sent with it is read a page at a time, its line map whole in both directions.
import { describe, expect, it } from 'vitest';
import { kubeProxyDump } from '../../bench/kubeproxy';
import { parseRuleset } from '../../src/engine/parse/index';
import { translateRuleset } from '../../src/nft/translate';
import { EXAMPLES } from '../../src/ui/examples';
import { api, NFT_PAGE, type NftPreview } from '../../src/worker/api';
import { outputsOf, sourcesOf } from '../../src/worker/nft-map';
import { NFT_LINES } from '../../src/worker/nft-preview';

/// Every (translation line, source line) pair of the map, read one way and then the other.
function pairs(p: NftPreview): { from: string[]; back: string[] } {
  const from: string[] = [];
  for (let i = 0; i < p.total; i++) for (const s of sourcesOf(p, i)) from.push(`${i}:${s}`);
  const back: string[] = [];
  for (let s = 0; s < p.outStart.length - 1; s++) for (const i of outputsOf(p, s)) back.push(`${i}:${s}`);
  return { from: from.sort(), back: back.sort() };
}

describe('nftables preview', () => {
  for (const ex of EXAMPLES)
    for (const mode of ['compat', 'idiomatic'] as const)
      it(`${ex.id} (${mode})`, async () => {
        const rules = ex.scenario.rules;
        const p = (await api.translate(mode, rules, ex.scenario.sets)) as NftPreview;
        expect(p.error).toBeNull();
        const plain = translateRuleset(parseRuleset(rules).ruleset, { mode, source: rules, sets: ex.scenario.sets });
        expect(p.lines.join('\n') + '\n').toBe(plain.text);
        expect(p.total).toBe(p.lines.length);
        expect(p.untranslated).toEqual(plain.untranslated);
        const { ruleset } = parseRuleset(rules);
        const mapped = new Set(p.fromLines);
        const failed = new Set(p.untranslated.map((u) => u.line));
        for (const t of ruleset.tables.values())
          for (const c of t.chains.values())
            for (const r of c.rules) if (!failed.has(r.span.line)) expect(mapped.has(r.span.line), `line ${r.span.line}`).toBe(true);
        const { from, back } = pairs(p);
        expect(back).toEqual(from);
      });

  it('maps a folded rule to its three source lines and each of them back to it; headers to none', async () => {
    const ex = EXAMPLES[0];
    const p = (await api.translate('idiomatic', ex.scenario.rules, ex.scenario.sets)) as NftPreview;
    const i = p.lines.findIndex((l) => /tcp dport \{ 22, 80, 443 \} accept/.test(l));
    expect(i).toBe(8);
    expect(sourcesOf(p, i)).toEqual([7, 8, 9]);
    for (const s of [7, 8, 9]) expect(outputsOf(p, s)).toEqual([i]);
    expect(sourcesOf(p, 0)).toEqual([]);
    expect(outputsOf(p, 1)).toEqual([]);
    expect(sourcesOf(p, p.total)).toEqual([]);
    expect(outputsOf(p, 10_000)).toEqual([]);
  });

  it('uses the rules of the last run when none are sent', async () => {
    const ex = EXAMPLES[0];
    api.run(ex.scenario);
    const p = (await api.translate('idiomatic')) as NftPreview;
    expect(p.lines.some((l) => /tcp dport \{ 22, 80, 443 \} accept/.test(l))).toBe(true);
  });

  it('sends the first lines of a long translation and the rest a page at a time', async () => {
    const { text } = kubeProxyDump(3000);
    const p = (await api.translate('compat', text)) as NftPreview;
    const whole = translateRuleset(parseRuleset(text).ruleset, { mode: 'compat', source: text }).text.split('\n');
    whole.pop();
    expect(p.total).toBe(whole.length);
    expect(p.total).toBeGreaterThan(2 * NFT_LINES);
    expect(p.lines).toEqual(whole.slice(0, NFT_LINES));
    expect(api.nftLines(p.id, NFT_LINES, NFT_LINES + 3)).toEqual(whole.slice(NFT_LINES, NFT_LINES + 3));
    expect(api.nftLines(p.id, p.total - 2, p.total + 50)).toEqual(whole.slice(-2));
    expect(api.nftLines(p.id, 0, p.total)).toHaveLength(NFT_PAGE);
    // The map covers every line, not only those sent: the dump's last rule is the translation's last rule.
    const lastRule = text.trimEnd().split('\n').findLastIndex((l) => l.startsWith('-A ')) + 1;
    const [out] = outputsOf(p, lastRule);
    expect(out).toBeGreaterThan(NFT_LINES);
    expect(sourcesOf(p, out)).toEqual([lastRule]);
    expect(api.nftLines(p.id, out, out + 1)).toEqual([whole[out]]);
    expect(out).toBe(whole.findLastIndex((l) => l.startsWith('add rule ')));
    // The dump lists chains as iptables-save does, sorted: its last rule is the last KUBE-SVC chain's.
    expect(whole[out]).toBe('add rule ip nat KUBE-SVC-ZT5LWHOIL4ZLKAGE counter jump KUBE-SEP-WJII4BULAK6RLEEI comment "ns16/svc-00166:tcp-8166 -> 10.244.1.244:8166"');
    const { from, back } = pairs(p);
    expect(back).toEqual(from);
    expect(from.length).toBeGreaterThanOrEqual(3000);
  });

  it('keeps the last two translations (both modes) and says when an older one is gone', async () => {
    const rules = EXAMPLES[0].scenario.rules;
    const a = (await api.translate('compat', rules)) as NftPreview;
    const b = (await api.translate('idiomatic', rules)) as NftPreview;
    expect(api.nftLines(a.id, 0, 1)).toEqual([a.lines[0]]);
    expect(api.nftLines(b.id, 0, 1)).toEqual([b.lines[0]]);
    await api.translate('compat', rules);
    expect(api.nftLines(a.id, 0, 1)).toEqual({ gone: true });
    expect(api.nftLines(b.id, 0, 1)).toEqual([b.lines[0]]);
  });
});
