// Boxes: products of per-field sets, the unit of the exact analysis. A rule matches a union of boxes; `!`
// is a complement, which is again a union of boxes. A field left undefined in a box is unconstrained.
import { intersectIvals, ivals, overlaps, subtractIvals, type Ivals } from './ivals';
import { intersectCubes, overlapsCubes, subtractCubes, type Cubes } from './cubes';

export const DIMS = [
  'src', 'dst', 'proto', 'sport', 'dport', 'iif', 'oif', 'ctstate', 'ctnat', 'icmp', 'fragment', 'length', 'ttl',
  'mark', 'connmark', 'tcpflags', 'tos',
  // The packet's connection (meaningless without one: INVALID, UNTRACKED): direction (0 original, 1 reply),
  // the original and reply tuples, status bits; then the source MAC (NO_MAC: none, as for a local packet),
  // the TCP MSS option (NO_MSS: none), the helper that expected the connection (0: none; names are atoms).
  'ctdir', 'ctproto', 'ctosrc', 'ctodst', 'ctrsrc', 'ctrdst', 'ctosport', 'ctodport', 'ctrsport', 'ctrdport', 'ctstatus',
  'mac', 'mss', 'helper',
] as const;
export type Dim = (typeof DIMS)[number];
/// The fields before the connection's own (see Algebra.width).
const BASE_DIMS = DIMS.indexOf('ctdir');
export const D = Object.fromEntries(DIMS.map((d, i) => [d, i])) as Record<Dim, number>;
/// Fields matched under a mask hold cubes; the others intervals.
export const CUBE_DIMS: ReadonlySet<number> = new Set([D.mark, D.connmark, D.tcpflags, D.tos, D.ctstatus]);
/// The `mac` value of a packet without a link-layer header, and the `mss` value of one without the option.
export const NO_MAC = 2 ** 48;
export const NO_MSS = 65536;
export const CT_STATES = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED'] as const;

export type DimSet = Ivals | Cubes;
export type Box = (DimSet | undefined)[];

const isCube = (d: number) => CUBE_DIMS.has(d);
const empty = (s: DimSet) => s.length === 0;

/// The field sets of one analysis: interfaces are atoms numbered per ruleset (see ifaces.ts).
export class Algebra {
  readonly full: DimSet[];
  /// Fields past this index are unconstrained in every box so far: the loops stop here. Most rulesets
  /// never constrain the connection's tuples, MAC, MSS or helper, which come last in DIMS.
  width = BASE_DIMS;
  constructor(ifaceAtoms: number) {
    const max: Record<string, number> = {
      src: 0xffffffff, dst: 0xffffffff, proto: 255, sport: 65535, dport: 65535, iif: ifaceAtoms - 1, oif: ifaceAtoms - 1,
      ctstate: CT_STATES.length - 1, ctnat: 3, icmp: 0xffff, fragment: 1, length: 0xffff, ttl: 255,
      ctdir: 1, ctproto: 255, ctosrc: 0xffffffff, ctodst: 0xffffffff, ctrsrc: 0xffffffff, ctrdst: 0xffffffff,
      ctosport: 65535, ctodport: 65535, ctrsport: 65535, ctrdport: 65535, mac: NO_MAC, mss: NO_MSS, helper: 0xffff,
    };
    this.full = DIMS.map((d, i) => (isCube(i) ? [{ v: 0, m: 0 }] : [0, max[d]]));
  }

  get(b: Box, d: number): DimSet {
    return b[d] ?? this.full[d];
  }

  /// A box constraining one field; an empty set gives null.
  one(d: number, s: DimSet): Box | null {
    if (empty(s)) return null;
    const b: Box = new Array(DIMS.length);
    b[d] = s;
    if (d >= this.width) this.width = DIMS.length;
    return b;
  }

  range(d: number, ranges: readonly { min: number; max: number }[]): Box | null {
    return this.one(d, ivals(ranges));
  }

  intersect(a: Box, b: Box): Box | null {
    const out: Box = a.slice();
    for (let d = 0, n = this.width; d < n; d++) {
      const y = b[d];
      if (y === undefined) continue;
      const x = a[d];
      if (x === undefined) {
        out[d] = y;
        continue;
      }
      const s = isCube(d) ? intersectCubes(x as Cubes, y as Cubes) : intersectIvals(x as Ivals, y as Ivals);
      if (empty(s)) return null;
      out[d] = s;
    }
    return out;
  }

  meets(a: Box, b: Box): boolean {
    for (let d = 0, n = this.width; d < n; d++) {
      const x = a[d];
      const y = b[d];
      if (x === undefined || y === undefined) continue;
      if (!(isCube(d) ? overlapsCubes(x as Cubes, y as Cubes) : overlaps(x as Ivals, y as Ivals))) return false;
    }
    return true;
  }

  /// a − b as disjoint boxes: peel off, field by field, the part of a outside b.
  subtract(a: Box, b: Box): Box[] {
    if (!this.meets(a, b)) return [a];
    const out: Box[] = [];
    let cur = a.slice();
    for (let d = 0, n = this.width; d < n; d++) {
      const y = b[d];
      if (y === undefined) continue;
      const x = this.get(cur, d);
      const rest = isCube(d) ? subtractCubes(x as Cubes, y as Cubes) : subtractIvals(x as Ivals, y as Ivals);
      if (!empty(rest)) {
        const piece = cur.slice();
        piece[d] = rest;
        out.push(piece);
      }
      const inside = isCube(d) ? intersectCubes(x as Cubes, y as Cubes) : intersectIvals(x as Ivals, y as Ivals);
      cur = cur.slice();
      cur[d] = inside;
    }
    return out;
  }

  /// Boxes of `a` outside every box of `minus`; stops early (returns []) once nothing is left.
  subtractAll(a: readonly Box[], minus: readonly Box[]): Box[] {
    let cur: Box[] = [...a];
    for (const m of minus) {
      if (!cur.length) break;
      const next: Box[] = [];
      for (const x of cur) for (const p of this.subtract(x, m)) next.push(p);
      cur = next;
    }
    return cur;
  }

  intersectAll(a: readonly Box[], b: readonly Box[]): Box[] {
    const out: Box[] = [];
    for (const x of a) for (const y of b) {
      const c = this.intersect(x, y);
      if (c) out.push(c);
    }
    return out;
  }

  /// The complement of a union of boxes.
  complement(a: readonly Box[]): Box[] {
    return this.subtractAll([new Array(DIMS.length)], a);
  }

  /// The box with the given fields made unconstrained (what a rewrite of those fields does to knowledge).
  widen(b: Box, dims: ReadonlySet<number>): Box {
    const out = b.slice();
    for (const d of dims) out[d] = undefined;
    return out;
  }

  /// Whether the box leaves every one of these fields unconstrained.
  freeIn(b: Box, dims: ReadonlySet<number>): boolean {
    for (const d of dims) if (b[d] !== undefined && !this.isFull(b, d)) return false;
    return true;
  }

  isFull(b: Box, d: number): boolean {
    const s = b[d];
    if (s === undefined) return true;
    if (isCube(d)) return (s as Cubes).some((c) => c.m === 0);
    const f = this.full[d] as Ivals;
    return s.length === 2 && (s as Ivals)[0] === f[0] && (s as Ivals)[1] === f[1];
  }
}
