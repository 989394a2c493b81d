// Rules in the order the parser made them (their ids count up as it goes). Both writers translate in
// that order: it is the order compat prints, and the order the rule objects lie in memory. A big dump's
// chains are sorted by name, so reading their rules chain after chain jumps all over the heap; on a
// 100k-rule kube-proxy dump that alone costs several times the rest of the translation.
import type { Chain, Rule, Table } from '../engine/model/ruleset';

export interface ParseOrder {
  /// The rules of the chains, chain after chain.
  rules: Rule[];
  /// Indexes into `rules`, by rule id.
  order: Uint32Array;
}

export function parseOrder(chains: readonly Chain[]): ParseOrder {
  let n = 0;
  for (let c = 0; c < chains.length; c++) n += chains[c].rules.length;
  const rules: Rule[] = new Array(n);
  const ids = new Float64Array(n);
  let max = 0;
  for (let c = 0, i = 0; c < chains.length; c++) {
    const list = chains[c].rules;
    for (let j = 0; j < list.length; j++, i++) {
      const r = list[j];
      rules[i] = r;
      ids[i] = r.id;
      if (r.id > max) max = r.id;
    }
  }
  const order = new Uint32Array(n);
  // Ids are dense (a few lost to deleted rules): placing each at its id is linear.
  if (max <= 4 * n + 64) {
    const at = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < n; i++) at[ids[i]] = i;
    let k = 0;
    for (let id = 0; id <= max; id++) if (at[id] >= 0) order[k++] = at[id];
    if (k === n) return { rules, order };
  }
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => ids[a] - ids[b]);
  return { rules, order };
}

/// The indexes of `keys` (whole numbers, at least 0) by key, ties by index. Packed into one number with
/// the index they sort natively, much faster than with a comparison callback: tens of thousands of chains.
export function orderBy(keys: Float64Array): Uint32Array {
  const n = keys.length;
  const order = new Uint32Array(n);
  let max = 0;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    if (keys[i] < max) sorted = false;
    else max = keys[i];
  }
  if (sorted || (max + 1) * n > Number.MAX_SAFE_INTEGER) {
    for (let i = 0; i < n; i++) order[i] = i;
    if (!sorted) order.sort((a, b) => keys[a] - keys[b] || a - b);
    return order;
  }
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = keys[i] * n + i;
  packed.sort();
  for (let i = 0; i < n; i++) order[i] = packed[i] % n;
  return order;
}

/// The chains of a table in the order of their line in the source (those without one first, in
/// iptables-save's order, which sorts by name). The parser made them in that order: later passes over
/// the chains, and over their rules, then read memory mostly in order.
export function chainsByLine(t: Table): Chain[] {
  const chains = [...t.chains.values()];
  const from = new Float64Array(chains.length);
  for (let i = 0; i < chains.length; i++) from[i] = chains[i].span?.from ?? 0;
  const order = orderBy(from);
  const out: Chain[] = new Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = chains[order[i]];
  return out;
}
