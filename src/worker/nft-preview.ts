// The nftables preview, worker side: the translator's text, and which source line each translated line
// came from, and back. The translator's one entry point reports no such map, but it prints each rule's
// counters when asked: each rule gets a unique byte count (packets stay 0, so folding is unchanged), the
// output is read for them and then printed as it would be without counters.
import { translateRuleset, type Untranslated } from '../nft/translate';
import type { Ruleset } from '../engine/model/ruleset';
import type { SetSpec } from '../engine/model/scenario';

export { outputsOf, sourcesOf } from './nft-map';

export type NftMode = 'compat' | 'idiomatic';

/// Lines of the translation sent with it; the rest are asked for a page at a time (api.nftLines), so a
/// 100k-rule translation (about 19 MB of text) never crosses to the page at once.
export const NFT_LINES = 1000;
/// Untranslated rules listed.
export const NFT_UNTRANSLATED = 500;

export interface NftPreview {
  mode: NftMode;
  /// This translation in the worker that made it, for its other lines (api.nftLines).
  id: number;
  /// The translation's first NFT_LINES lines.
  lines: string[];
  /// Which source lines (1-based) the rules each translation line translates came from, for all `total`
  /// lines: line i's are `fromLines[fromStart[i]] .. fromLines[fromStart[i + 1] - 1]`, ascending; none for
  /// a table or chain line, several where rules were folded into one. Typed arrays: the map of a 100k-rule
  /// translation crosses as four buffers, transferred rather than copied.
  fromStart: Int32Array;
  fromLines: Int32Array;
  /// The other way: source line s's translation lines (0-based) are `outLines[outStart[s]] ..
  /// outLines[outStart[s + 1] - 1]`, ascending (s up to outStart.length - 2).
  outStart: Int32Array;
  outLines: Int32Array;
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

/// Compressed rows: for each of `n` rows, the values paired with it, ascending.
function rows(n: number, row: Int32Array, value: Int32Array): { start: Int32Array; values: Int32Array } {
  const pairs = row.length;
  const start = new Int32Array(n + 1);
  for (let k = 0; k < pairs; k++) start[row[k] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const at = start.slice(0, n);
  const values = new Int32Array(pairs);
  for (let k = 0; k < pairs; k++) values[at[row[k]]++] = value[k];
  for (let i = 0; i < n; i++) if (start[i + 1] - start[i] > 1) values.subarray(start[i], start[i + 1]).sort();
  return { start, values };
}

/// The preview of a ruleset's translation, and the whole of its text line by line (kept by the worker
/// for `nftLines`).
export function nftPreview(rs: Ruleset, mode: NftMode, source: string, sets?: Record<string, SetSpec>): { preview: NftPreview; lines: string[] } {
  const start = performance.now();
  const rules: { line: number; log: boolean; table: string; chain: string }[] = [];
  for (const t of rs.tables.values())
    for (const c of t.chains.values())
      for (const r of c.rules) {
        r.counters.packets = 0;
        r.counters.bytes = BASE + rules.length;
        rules.push({ line: r.span.line, log: r.target.kind === 'module' && r.target.module.name === 'LOG', table: t.name, chain: c.name });
      }
  const none = new Int32Array(1);
  const base = { mode, id: 0, lines: [], fromStart: none, fromLines: new Int32Array(0), outStart: none, outLines: new Int32Array(0), total: 0, rules: 0, untranslated: [], untranslatedCount: 0 };
  let text: string;
  let untranslated: Untranslated[];
  let count: number;
  try {
    ({ text, untranslated, rules: count } = translateRuleset(rs, { mode, source, sets, counters: true }));
  } catch (e) {
    return { preview: { ...base, error: e instanceof Error ? e.message : String(e), millis: performance.now() - start }, lines: [] };
  }
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  // (output line, source line) pairs: the rule whose mark a line carries, then the rules folded into it.
  const pairOut: number[] = [];
  const pairSrc: number[] = [];
  // Which output line each rule went to; the text as printed without counters.
  const lineOf = new Int32Array(rules.length).fill(-1);
  for (let i = 0; i < all.length; i++) {
    const l = all[i];
    const m = MARK.exec(l);
    if (!m) continue;
    const k = Number(m[1]) - BASE;
    // compat prints `counter` on every rule; idiomatic prints none.
    all[i] = (l.slice(0, m.index) + (mode === 'compat' ? 'counter ' : '') + l.slice(m.index + m[0].length)).replace(/ +$/, '');
    if (k >= 0 && k < rules.length) {
      lineOf[k] = i;
      pairOut.push(i);
      pairSrc.push(rules[k].line);
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
      pairOut.push(lineOf[j]);
      pairSrc.push(rules[k].line);
      break;
    }
  }
  const outs = Int32Array.from(pairOut);
  const srcs = Int32Array.from(pairSrc);
  const from = rows(all.length, outs, srcs);
  let maxSrc = 0;
  for (const l of srcs) maxSrc = Math.max(maxSrc, l);
  const out = rows(maxSrc + 1, srcs, outs);
  const preview: NftPreview = {
    mode, id: 0, lines: all.slice(0, NFT_LINES), fromStart: from.start, fromLines: from.values, outStart: out.start, outLines: out.values,
    total: all.length, rules: count, untranslated: untranslated.slice(0, NFT_UNTRANSLATED), untranslatedCount: untranslated.length,
    error: null, millis: performance.now() - start,
  };
  return { preview, lines: all };
}
