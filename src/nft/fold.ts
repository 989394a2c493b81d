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
  return foldVmap(foldSets(foldLog(lines)));
}

const VERDICT = /^(accept|drop|return|(jump|goto) \S+)$/;

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
  const out: Line[] = [];
  for (const l of lines) {
    const prev = out[out.length - 1];
    if (l.kind === 'rule' && prev?.kind === 'rule') {
      const merged = mergeOne(prev, l);
      if (merged) {
        out[out.length - 1] = merged;
        continue;
      }
    }
    out.push(l);
  }
  return out;
}

function mergeOne(a: RuleLine, b: RuleLine): RuleLine | null {
  const x = a.parts;
  const y = b.parts;
  if (x.action !== y.action || x.comment !== y.comment || x.exprs.length !== y.exprs.length || a.stateful || b.stateful) return null;
  if (a.rule.counters.packets || b.rule.counters.packets) return null;
  let at = -1;
  for (let i = 0; i < x.exprs.length; i++) {
    if (x.exprs[i] === y.exprs[i]) continue;
    if (at >= 0) return null;
    at = i;
  }
  if (at < 0) return null;
  const mx = KEYS.exec(x.exprs[at]);
  const my = KEYS.exec(y.exprs[at]);
  if (!mx || !my || mx[1] !== my[1]) return null;
  const all = [...values(mx[2]), ...values(my[2])];
  if (!disjoint(mx[1], all)) return null;
  const exprs = [...x.exprs];
  exprs[at] = `${mx[1]} { ${all.join(', ')} }`;
  return { ...a, parts: { ...x, exprs, notes: [...x.notes, ...y.notes] } };
}

/// No packet matches two of the values: then the order of the folded rules cannot matter, whatever
/// their action (a LOG or a jump that returns would otherwise act twice).
function disjoint(key: string, vals: string[]): boolean {
  const addr = key === 'ip saddr' || key === 'ip daddr';
  // Names (types, protocols, interfaces): distinct is disjoint, but an interface wildcard is not a name.
  if (!addr && !/(dport|sport)$/.test(key)) return new Set(vals).size === vals.length && !vals.some((v) => v.includes('*'));
  const ranges: [number, number][] = [];
  for (const v of vals) {
    let r: [number, number] | null = null;
    if (addr) r = cidrRange(v);
    else {
      const m = /^(\d+)(?:-(\d+))?$/.exec(v);
      if (m) r = [Number(m[1]), Number(m[2] ?? m[1])];
    }
    if (!r) return false;
    ranges.push(r);
  }
  ranges.sort((p, q) => p[0] - q[0]);
  for (let i = 1; i < ranges.length; i++) if (ranges[i][0] <= ranges[i - 1][1]) return false;
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
