// What a match's space depends on beyond its options (SpaceEnv in src/engine/modules/types.ts): the
// address types of the scenario's host, for addrtype; the members of its ipsets, for -m set; and numbers
// for names (helpers). Both follow the simulator (sim/host.ts, sim/sets.ts), so the analysis is exact
// exactly where the simulation is.
import { parseCidr, parseIPv4 } from '../model/addr';
import type { Scenario } from '../model/scenario';
import type { Space, SpaceEnv } from '../modules/types';
import { Host } from '../sim/host';
import { readSets, type IpSet, type Value } from '../sim/sets';
import { ivals } from './ivals';

type Range = { min: number; max: number };

export function spaceEnv(scenario: { host?: Scenario['host']; sets?: Scenario['sets'] } = {}): SpaceEnv {
  const atoms = new Map<string, number>();
  const env: SpaceEnv = {
    atom(kind, name) {
      const k = `${kind}\u0000${name}`;
      let n = atoms.get(k);
      if (n === undefined) atoms.set(k, (n = atoms.size + 1));
      return n;
    },
  };
  const types = scenario.host?.interfaces.length ? addrTypes(scenario.host) : null;
  if (types) env.addrType = (t) => types.get(t) ?? [];
  // Without a "sets" key nothing is known of them (a ruleset on its own): -m set stays "may".
  let sets: Map<string, IpSet> | null = null;
  try {
    if (scenario.sets) sets = readSets(scenario.sets);
  } catch {
    // A bad set definition: the simulator refuses the scenario; the analysis says "may".
  }
  if (sets) env.set = (name, dirs, returnNomatch) => setSpace(sets!, name, dirs, returnNomatch, 0);
  return env;
}

/// The address sets of each type as Host.addrType classifies them without an interface: constant between
/// the boundaries the host's addresses, networks, broadcasts and routes draw (and 0, 127/8, 224/4).
function addrTypes(spec: Scenario['host']): Map<string, Range[]> | null {
  let host: Host;
  try {
    host = new Host(spec);
  } catch {
    return null;
  }
  const cuts = new Set<number>([0, 1, 0x7f000000, 0x80000000, 0xe0000000, 0xf0000000, 0xffffffff]);
  const cidr = (text: string) => {
    const c = parseCidr(text);
    if (!c) return;
    const lo = (c.addr & c.mask) >>> 0;
    const hi = (lo | ~c.mask) >>> 0;
    for (const v of [lo, hi + 1, hi]) cuts.add(v);
  };
  for (const i of spec.interfaces)
    for (const a of i.addresses) {
      const addr = parseIPv4(a.split('/')[0]);
      if (addr !== null) (cuts.add(addr), cuts.add(addr + 1));
      cidr(a);
    }
  for (const r of spec.routes ?? []) if (r.to !== 'default') cidr(r.to);
  const points = [...cuts].filter((v) => v >= 0 && v <= 0xffffffff).sort((a, b) => a - b);
  const out = new Map<string, Range[]>();
  points.forEach((lo, i) => {
    const hi = i + 1 < points.length ? points[i + 1] - 1 : 0xffffffff;
    const t = host.addrType(lo);
    const l = out.get(t) ?? [];
    l.push({ min: lo, max: hi });
    out.set(t, l);
  });
  for (const [t, l] of out) out.set(t, toRanges(ivals(l)));
  return out;
}

function toRanges(s: readonly number[]): Range[] {
  const out: Range[] = [];
  for (let i = 0; i < s.length; i += 2) out.push({ min: s[i], max: s[i + 1] });
  return out;
}

/// One member value as a space over the packet field its dimension and direction name; null: not expressible.
function valueSpace(v: Value, dim: string, dir: 'src' | 'dst'): Space | null {
  switch (dim) {
    case 'ip':
    case 'net': {
      const r = v.cidr ? { min: (v.cidr.addr & v.cidr.mask) >>> 0, max: ((v.cidr.addr & v.cidr.mask) | ~v.cidr.mask) >>> 0 } : { min: v.ipMin!, max: v.ipMax! };
      return { field: dir, ranges: [r] };
    }
    case 'port':
      if (v.proto !== 6 && v.proto !== 17 && v.proto !== 132) return null;
      return { all: [{ field: 'proto', ranges: [{ min: v.proto, max: v.proto }] }, { field: dir === 'src' ? 'sport' : 'dport', ranges: [{ min: v.portMin!, max: v.portMax! }] }] };
    case 'mac': {
      if (dir === 'dst') return { any: [] }; // sets.ts reads no destination MAC
      const n = parseInt(v.mac!.replace(/:/g, ''), 16);
      return { field: 'mac', ranges: [{ min: n, max: n }] };
    }
    case 'mark':
      return { field: 'mark', value: v.mark! >>> 0, mask: 0xffffffff };
    default:
      return null; // interfaces: not a field of the match spaces
  }
}

/// What a lookup finds, as sets.ts decides it: the most specific member covering the packet wins (the
/// first listed among equals), and a nomatch winner is no match unless --return-nomatch.
function setSpace(sets: Map<string, IpSet>, name: string, dirs: readonly ('src' | 'dst')[], returnNomatch: boolean, depth: number): Space | null | undefined {
  const s = sets.get(name);
  if (!s) return undefined;
  if (s.dims[0] === 'set') {
    if (depth > 8) return null;
    const parts: Space[] = [];
    for (const m of s.members) {
      const sub = setSpace(sets, m.values[0].set!, dirs, returnNomatch, depth + 1);
      if (sub === null) return null;
      if (sub) parts.push(sub);
      // A member set's nomatch entries stop nothing in a list:set (its lookup goes on to the next member).
    }
    return { any: parts };
  }
  if (dirs.length < s.dims.length) return { any: [] };
  const boxes: (Space | null)[] = s.members.map((m) => {
    const parts = m.values.map((v, i) => valueSpace(v, s.dims[i], dirs[i]));
    return parts.some((p) => p === null) ? null : { all: parts as Space[] };
  });
  if (boxes.some((b) => b === null)) return null;
  const box = boxes as Space[];
  if (returnNomatch) return { any: box };
  const beats = (a: number, b: number) => s.members[a].specificity > s.members[b].specificity || (s.members[a].specificity === s.members[b].specificity && a < b);
  const terms: Space[] = [];
  s.members.forEach((m, i) => {
    if (m.nomatch) return;
    const over = s.members.flatMap((n, j) => (n.nomatch && beats(j, i) ? [box[j]] : []));
    terms.push(over.length ? { all: [box[i], { not: { any: over } }] } : box[i]);
  });
  return { any: terms };
}
