// Folding consecutive rules of a chain into fewer nftables rules, only where no packet can tell:
//  - LOG then the same matches with a verdict: one rule `... log ... drop` (matches without state).
//  - rules equal but for one `KEY VALUE` with values no packet can match twice: `KEY { v1, v2 }`.
//  - `ct state X verdict` runs: `ct state vmap { X : verdict, ... }` (a packet has one state).
import type { Rule } from '../engine/model/ruleset';
import type { RuleParts } from './rule';

export type Line =
  | { kind: 'comment'; text: string }
  | { kind: 'rule'; rule: Rule; parts: RuleParts; stateful: boolean };
type RuleLine = Extract<Line, { kind: 'rule' }>;

export function foldChain(lines: Line[]): Line[] {
  // A chain of one rule has nothing to fold (kube-proxy's 30k chains mostly hold one to three).
  if (lines.length < 2) return lines;
  // Each pass only where it can apply: most chains have no LOG and no ct state rule.
  let log = false;
  let states = false;
  for (const l of lines) {
    if (l.kind !== 'rule') continue;
    // Only targets log (LOG, NFLOG), and only the conntrack and state matches say `ct state`: the texts
    // are read only then (reading a string made by concatenation copies it into one piece first).
    if (l.rule.target.kind === 'module' && isLog(l.parts.action)) log = true;
    if (l.parts.exprs.length === 1 && ctMatch(l.rule) && l.parts.exprs[0].startsWith('ct state ')) states = true;
  }
  const sets = foldSets(log ? foldLog(lines) : lines);
  return states ? foldVmap(sets) : sets;
}

const VERDICT = /^(accept|drop|return|(jump|goto) \S+)$/;

function ctMatch(r: Rule): boolean {
  for (const m of r.matches) if (m.module.name === 'state' || m.module.name === 'conntrack') return true;
  return false;
}

const isLog = (action: string | null) => action === 'log' || !!action?.startsWith('log ');

function foldLog(lines: Line[]): Line[] {
  const out: Line[] = [];
  for (let i = 0; i < lines.length; i++) {
    const a = lines[i];
    const b = lines[i + 1];
    if (a.kind === 'rule' && b?.kind === 'rule' && isLog(a.parts.action) && !a.stateful && !b.stateful && b.parts.terminal
      && !isLog(b.parts.action) && same(a.parts.exprs, b.parts.exprs) && (a.parts.comment === b.parts.comment || !a.parts.comment)) {
      out.push({ ...b, parts: { ...b.parts, action: `${a.parts.action} ${b.parts.action}` } });
      i++;
    } else out.push(a);
  }
  return out;
}

/// `KEY VALUE` expressions whose values can go in an anonymous set.
const KEYS = /^(ip saddr|ip daddr|tcp dport|tcp sport|udp dport|udp sport|icmp type|ip protocol|meta l4proto|iifname|oifname) (?!!=)(\S+|\{ [^}]+ \})$/;

function values(v: string): string[] {
  return v.startsWith('{ ') ? v.slice(2, -2).split(', ') : [v];
}

function foldSets(lines: Line[]): Line[] {
  // Made at the first merge: most chains have none.
  let out: Line[] | null = null;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    const prev = out ? out[out.length - 1] : lines[i - 1];
    if (l.kind === 'rule' && prev.kind === 'rule') {
      const merged = mergeOne(prev, l);
      if (merged) {
        out ??= lines.slice(0, i);
        out[out.length - 1] = merged;
        continue;
      }
    }
    out?.push(l);
  }
  if (!out) return lines;
  // The set of a folded run is written once, at the end.
  return out.map((l) => {
    const f = l.kind === 'rule' ? folding.get(l) : undefined;
    if (!f || l.kind !== 'rule') return l;
    const exprs = [...l.parts.exprs];
    exprs[f.at] = `${f.key} { ${f.vals.join(', ')} }`;
    return { ...l, parts: { ...l.parts, exprs } };
  });
}

/// The values of a set being folded, kept beside its rule so that a run of n rules folds in about
/// n log n (a blocklist of 8k addresses took half a minute when every merge re-read the whole set).
interface Folding {
  key: string;
  /// Index of the folded expression; the rule's own text there is a placeholder until the end.
  at: number;
  vals: string[];
  /// Sorted, disjoint ranges of address and port values; names are kept in `names`.
  ranges: [number, number][] | null;
  names: Set<string> | null;
}
const folding = new WeakMap<RuleLine, Folding>();
const FOLDING = '\0folding';

function mergeOne(a: RuleLine, b: RuleLine): RuleLine | null {
  const x = a.parts;
  const y = b.parts;
  if (x.action !== y.action || x.otherwise !== y.otherwise || x.comment !== y.comment || x.exprs.length !== y.exprs.length || a.stateful || b.stateful) return null;
  if (a.rule.counters.packets || b.rule.counters.packets) return null;
  let at = -1;
  for (let i = 0; i < x.exprs.length; i++) {
    if (x.exprs[i] === y.exprs[i]) continue;
    if (at >= 0) return null;
    at = i;
  }
  if (at < 0) return null;
  const my = KEYS.exec(y.exprs[at]);
  if (!my) return null;
  const f = folding.get(a);
  const fx = f && f.at === at ? f : startFolding(x.exprs[at], at);
  if (!fx || fx.key !== my[1] || !admit(fx, values(my[2]))) return null;
  const exprs = [...x.exprs];
  exprs[at] = FOLDING;
  const merged: RuleLine = { ...a, parts: { ...x, exprs, notes: y.notes.length ? [...x.notes, ...y.notes] : x.notes } };
  folding.set(merged, fx);
  return merged;
}

function startFolding(expr: string, at: number): Folding | null {
  const m = KEYS.exec(expr);
  if (!m) return null;
  const f: Folding = { key: m[1], at, vals: [], ranges: null, names: null };
  return admit(f, values(m[2])) ? f : null;
}

/// Adds values when no packet matches two of the set's values: then the order of the folded rules
/// cannot matter, whatever their action (a LOG or a jump that returns would otherwise act twice).
function admit(f: Folding, vals: string[]): boolean {
  const addr = f.key === 'ip saddr' || f.key === 'ip daddr';
  // Names (types, protocols, interfaces): distinct is disjoint, but an interface wildcard is not a name.
  if (!addr && !/(dport|sport)$/.test(f.key)) {
    const names = f.names ?? new Set<string>();
    if (vals.some((v) => v.includes('*') || names.has(v)) || new Set(vals).size !== vals.length) return false;
    for (const v of vals) names.add(v);
    f.names = names;
    f.vals.push(...vals);
    return true;
  }
  const add: [number, number][] = [];
  for (const v of vals) {
    let r: [number, number] | null = null;
    if (addr) r = cidrRange(v);
    else {
      const m = /^(\d+)(?:-(\d+))?$/.exec(v);
      if (m) r = [Number(m[1]), Number(m[2] ?? m[1])];
    }
    if (!r) return false;
    add.push(r);
  }
  const ranges = f.ranges ?? [];
  add.sort((p, q) => p[0] - q[0]);
  for (let i = 1; i < add.length; i++) if (add[i][0] <= add[i - 1][1]) return false;
  const where = add.map((r) => {
    // The first range that starts after r: r must end before it, and start after the one before it ends.
    let lo = 0, hi = ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid][0] <= r[0]) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
  for (let i = 0; i < add.length; i++) {
    const k = where[i];
    if ((k > 0 && ranges[k - 1][1] >= add[i][0]) || (k < ranges.length && ranges[k][0] <= add[i][1])) return false;
  }
  for (let i = add.length - 1; i >= 0; i--) ranges.splice(where[i], 0, add[i]);
  f.ranges = ranges;
  f.vals.push(...vals);
  return true;
}

function cidrRange(v: string): [number, number] | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(v);
  if (!m) return null;
  const a = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const p = Number(m[5] ?? 32);
  const size = 2 ** (32 - p);
  return [a, a + size - 1];
}

function foldVmap(lines: Line[]): Line[] {
  const out: Line[] = [];
  let run: { rule: RuleLine; states: string[]; verdict: string }[] = [];
  const flush = () => {
    if (run.length >= 2) {
      const entries = run.flatMap((r) => r.states.map((s) => `${s} : ${r.verdict}`));
      const first = run[0].rule;
      out.push({ ...first, parts: { ...first.parts, exprs: [], action: `ct state vmap { ${entries.join(', ')} }`, comment: null } });
    } else out.push(...run.map((r) => r.rule));
    run = [];
  };
  for (const l of lines) {
    const m = l.kind === 'rule' && l.parts.exprs.length === 1 && !l.parts.comment && !l.stateful && l.parts.action && VERDICT.test(l.parts.action)
      ? /^ct state ([a-z]+(?:,[a-z]+)*)$/.exec(l.parts.exprs[0]) : null;
    if (!m || l.kind !== 'rule') {
      flush();
      out.push(l);
      continue;
    }
    const states = m[1].split(',');
    if (run.some((r) => r.states.some((s) => states.includes(s)))) flush();
    run.push({ rule: l, states, verdict: l.parts.action! });
  }
  flush();
  return out;
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((e, i) => e === b[i]);
}
