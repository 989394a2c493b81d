// The nftables preview, worker side: the translator's text, and which source line each translated line
// came from. The translator's one entry point reports no such map, but it prints each rule's counters
// when asked: each rule gets a unique byte count (packets stay 0, so folding is unchanged), the output
// is read for them and then printed as it would be without counters.
import { translateRuleset, type Untranslated } from '../nft/translate';
import type { Ruleset } from '../engine/model/ruleset';
import type { SetSpec } from '../engine/model/scenario';

export type NftMode = 'compat' | 'idiomatic';

/// Lines of the translation sent; the count says how many there are.
export const NFT_LINES = 1000;
/// Untranslated rules listed.
export const NFT_UNTRANSLATED = 500;

export interface NftPreview {
  mode: NftMode;
  /// The translation's first NFT_LINES lines.
  lines: string[];
  /// For each of `lines`, the source lines (1-based) of the rules it translates: none for a table or
  /// chain line, several where rules were folded into one.
  from: number[][];
  /// Lines in the whole translation.
  total: number;
  rules: number;
  untranslated: Untranslated[];
  untranslatedCount: number;
  /// The translator failed (a bug, not the ruleset's fault).
  error: string | null;
  millis: number;
}

// Far above any real byte count: a rule's mark is BASE + its index.
const BASE = 7_300_000_000_000;
const MARK = /counter packets 0 bytes (7\d{12}) ?/;

export function nftPreview(rs: Ruleset, mode: NftMode, source: string, sets?: Record<string, SetSpec>): NftPreview {
  const start = performance.now();
  const rules: { line: number; log: boolean; table: string; chain: string }[] = [];
  for (const t of rs.tables.values())
    for (const c of t.chains.values())
      for (const r of c.rules) {
        r.counters.packets = 0;
        r.counters.bytes = BASE + rules.length;
        rules.push({ line: r.span.line, log: r.target.kind === 'module' && r.target.module.name === 'LOG', table: t.name, chain: c.name });
      }
  const base = { mode, lines: [], from: [], total: 0, rules: 0, untranslated: [], untranslatedCount: 0 };
  let text: string;
  let untranslated: Untranslated[];
  let count: number;
  try {
    ({ text, untranslated, rules: count } = translateRuleset(rs, { mode, source, sets, counters: true }));
  } catch (e) {
    return { ...base, error: e instanceof Error ? e.message : String(e), millis: performance.now() - start };
  }
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  // Which output line each rule went to, and the text as printed without counters.
  const lineOf = new Int32Array(rules.length).fill(-1);
  const lines: string[] = [];
  const from: number[][] = [];
  for (let i = 0; i < all.length; i++) {
    let l = all[i];
    const m = MARK.exec(l);
    const src: number[] = [];
    if (m) {
      const k = Number(m[1]) - BASE;
      // compat prints `counter` on every rule; idiomatic prints none.
      l = (l.slice(0, m.index) + (mode === 'compat' ? 'counter ' : '') + l.slice(m.index + m[0].length)).replace(/ +$/, '');
      if (k >= 0 && k < rules.length) {
        lineOf[k] = i;
        src.push(rules[k].line);
      }
    }
    if (i < NFT_LINES) {
      lines.push(l);
      from.push(src);
    }
  }
  // Folded rules: the other rules of a fold print no counter. A LOG folds into the verdict rule after
  // it, equal rules into the first of their run: map each to its neighbour in the same chain.
  const failed = new Set(untranslated.map((u) => u.line));
  for (let k = 0; k < rules.length; k++) {
    if (lineOf[k] >= 0 || failed.has(rules[k].line)) continue;
    const step = rules[k].log ? 1 : -1;
    for (let j = k + step; j >= 0 && j < rules.length && rules[j].chain === rules[k].chain && rules[j].table === rules[k].table; j += step) {
      if (lineOf[j] < 0) continue;
      if (lineOf[j] < NFT_LINES) from[lineOf[j]] = [...from[lineOf[j]], rules[k].line].sort((a, b) => a - b);
      break;
    }
  }
  return {
    mode, lines, from, total: all.length, rules: count, untranslated: untranslated.slice(0, NFT_UNTRANSLATED),
    untranslatedCount: untranslated.length, error: null, millis: performance.now() - start,
  };
}
