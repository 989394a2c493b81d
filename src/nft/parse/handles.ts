// How many handles the kernel gives out for one rule. A table numbers its chains, sets, maps, stateful
// objects and rules from one counter (nf_tables_alloc_handle), and nft creates every anonymous set or map
// a rule uses as a set of the table just before the rule. Checked with `nft -a list ruleset` (nft 1.0.6,
// Linux 6.18):
// - `{ 22, 80 }`, `ct state { established, related }`, `{ 22, 22 }` (two elements as written),
//   `{ 10.0.0.1 . 22 }` (a concatenation, even of one element): one set each;
// - a set of one plain element (`{ 22 }`, `!= { 22 }`, `{ 1000-2000 }`, `{ 10.0.0.0/8 }`) becomes a plain
//   comparison: no set;
// - `vmap { ... }` and `map { ... }`: one map each, even with one element;
// - `meter NAME { ... }`: one set; the element of `add @s { ... }` / `update @s { ... }`: none.
import { word, type NftToken } from './tokens';


/// The braces group starting at `toks[open]`: the index of its closing brace, its elements at depth 1 as
/// written, and whether an element is a concatenation (a bare `.` between its parts).
function group(toks: readonly NftToken[], open: number): { close: number; elements: number; concat: boolean } {
  let depth = 0, elements = 0, concat = false, inElement = false;
  let i = open;
  for (; i < toks.length; i++) {
    const t = toks[i];
    if (!t.quoted && t.text === '{') {
      if (depth++ === 1 && !inElement) {
        elements++;
        inElement = true;
      }
      continue;
    }
    if (!t.quoted && t.text === '}') {
      if (--depth === 0) break;
      continue;
    }
    if (depth !== 1) continue;
    if (t.quoted) {
      if (!inElement) elements++;
      inElement = true;
      continue;
    }
    if (t.text === '.') concat = true;
    // Commas may stand alone or stick to the words they separate (`22,80`).
    for (let k = 0; k < t.text.length; k++) {
      if (t.text.charCodeAt(k) === 44) inElement = false;
      else if (!inElement) {
        elements++;
        inElement = true;
      }
    }
  }
  return { close: i, elements, concat };
}

/// The handles one rule takes: its anonymous sets and maps, then the rule itself.
export function ruleHandles(toks: readonly NftToken[]): number {
  let n = 1;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (word(t, 'meter')) {
      // `meter NAME [size N] { ... }`: a set made for the rule.
      n++;
      let j = i + 1;
      while (j < toks.length && !word(toks[j], '{')) j++;
      i = group(toks, j).close;
      continue;
    }
    if (!word(t, '{')) continue;
    const prev = toks[i - 1];
    const g = group(toks, i);
    i = g.close;
    if (prev && !prev.quoted && prev.text.startsWith('@')) continue;
    if (word(prev, 'jump') || word(prev, 'goto')) continue;
    if (word(prev, 'map') || word(prev, 'vmap') || g.elements !== 1 || g.concat) n++;
  }
  return n;
}
