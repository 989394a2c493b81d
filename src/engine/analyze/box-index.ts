// A union of boxes that answers "which of you can meet this box" without scanning everything: boxes for a
// single destination (or else source) address are bucketed by it, as kube-proxy's thousands of
// `-d ClusterIP/32` rules are. Volumes give a fast "certainly not covered" before any subtraction.
import { CUBE_DIMS, D, DIMS, type Algebra, type Box } from './box';
import type { Cubes } from './cubes';
import type { Ivals } from './ivals';

export interface Entry<T> {
  box: Box;
  tag: T;
  seq: number;
}


/// Address buckets, finest first: exact address, /24, /16, /8 (as shifts of the address).
const SHIFTS = [0, 8, 16, 24];

class AddrLevels<T> {
  private levels = SHIFTS.map(() => ({ map: new Map<number, Entry<T>[]>(), keys: [] as number[] }));

  /// Files the entry under the finest bucket holding its whole range; false when none does.
  add(s: Ivals | undefined, e: Entry<T>): boolean {
    if (!s || s.length !== 2) return false;
    for (let i = 0; i < SHIFTS.length; i++) {
      const k = s[0] >>> SHIFTS[i];
      if (k !== s[1] >>> SHIFTS[i]) continue;
      const { map, keys } = this.levels[i];
      const l = map.get(k);
      if (l) l.push(e);
      else {
        map.set(k, [e]);
        keys.splice(lowerBound(keys, k), 0, k);
      }
      return true;
    }
    return false;
  }

  collect(q: Ivals | undefined, out: Entry<T>[]): void {
    const lo = q && q.length ? q[0] : 0;
    const hi = q && q.length ? q[q.length - 1] : 0xffffffff;
    this.levels.forEach(({ map, keys }, i) => {
      const b = hi >>> SHIFTS[i];
      for (let j = lowerBound(keys, lo >>> SHIFTS[i]); j < keys.length && keys[j] <= b; j++) out.push(...map.get(keys[j])!);
    });
  }
}

function lowerBound(a: number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class BoxIndex<T> {
  private byDst = new AddrLevels<T>();
  private bySrc = new AddrLevels<T>();
  private wide: Entry<T>[] = [];
  private all: Entry<T>[] = [];
  /// How many boxes constrain each field: a rewrite of a field nobody constrains changes nothing.
  private constrained = new Array<number>(DIMS.length).fill(0);

  constructor(private alg: Algebra) {}

  get size(): number {
    return this.all.length;
  }

  entries(): readonly Entry<T>[] {
    return this.all;
  }

  add(box: Box, tag: T): void {
    const e = { box, tag, seq: this.all.length };
    this.all.push(e);
    box.forEach((s, d) => {
      if (s !== undefined) this.constrained[d]++;
    });
    if (!this.byDst.add(box[D.dst] as Ivals | undefined, e) && !this.bySrc.add(box[D.src] as Ivals | undefined, e)) this.wide.push(e);
  }

  touches(dims: Iterable<number>): boolean {
    for (const d of dims) if (this.constrained[d] > 0) return true;
    return false;
  }

  /// Entries that meet `box`, in insertion order.
  meeting(box: Box): Entry<T>[] {
    const cands: Entry<T>[] = [...this.wide];
    this.byDst.collect(box[D.dst] as Ivals | undefined, cands);
    this.bySrc.collect(box[D.src] as Ivals | undefined, cands);
    if (cands.length > 1) cands.sort((x, y) => x.seq - y.seq);
    return cands.filter((e) => this.alg.meets(e.box, box));
  }

  /// The boxes of `a` that no entry covers, and the tags of the entries that met them; null when more than
  /// `budget` entries meet a box (subtracting thousands of boxes one by one fragments quadratically).
  minus(a: readonly Box[], budget = Infinity): { rest: Box[]; by: T[] } | null {
    const by = new Set<T>();
    const rest: Box[] = [];
    for (const b of a) {
      const hits = this.meeting(b);
      if (hits.length > budget) return null;
      for (const h of hits) by.add(h.tag);
      rest.push(...(hits.length ? this.alg.subtractAll([b], hits.map((h) => h.box)) : [b]));
    }
    return { rest, by: [...by] };
  }

  /// Whether the entries cover all of `a`, and which entries met it.
  covers(a: readonly Box[]): { covered: boolean; by: T[] } {
    const by = new Set<T>();
    let covered = true;
    for (const b of a) {
      const hits = this.meeting(b);
      for (const h of hits) by.add(h.tag);
      if (!covered) continue;
      if (!hits.length) {
        covered = false;
        continue;
      }
      // The hits' volume inside b falls short of b's own: something is left for sure, skip the subtraction.
      let sum = 0;
      for (const h of hits) sum += volume(this.alg, this.alg.intersect(b, h.box)!);
      if (sum < volume(this.alg, b) * (1 - 1e-9)) covered = false;
      else if (this.alg.subtractAll([b], hits.map((h) => h.box)).length) covered = false;
    }
    return { covered, by: [...by] };
  }

  /// A new index holding what is known after a rewrite of `dims`: boxes that constrain them are dropped
  /// (`forget`), or widened to leave them free.
  rewritten(dims: ReadonlySet<number>, how: 'forget' | 'widen'): BoxIndex<T> {
    if (!this.touches(dims)) return this;
    const out = new BoxIndex<T>(this.alg);
    for (const e of this.all) {
      if (this.alg.freeIn(e.box, dims)) out.add(e.box, e.tag);
      else if (how === 'widen') out.add(this.alg.widen(e.box, dims), e.tag);
    }
    return out;
  }
}

/// The number of packets in a box, as a float (fields multiply far past 2^53; only comparisons matter).
export function volume(alg: Algebra, b: Box): number {
  let v = 1;
  for (let d = 0, n = alg.width; d < n; d++) {
    const s = alg.get(b, d);
    if (CUBE_DIMS.has(d)) {
      let n = 0;
      for (const c of s as Cubes) n += 2 ** (32 - popcount(c.m));
      v *= n;
    } else {
      let n = 0;
      const iv = s as Ivals;
      for (let i = 0; i < iv.length; i += 2) n += iv[i + 1] - iv[i] + 1;
      v *= n;
    }
  }
  return v;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
