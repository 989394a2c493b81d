// Sets of 32-bit values as unions of ternary cubes: `(x & m) === v`. Marks, TCP flags and TOS are matched
// under a mask, which intervals cannot hold compactly (0x4000/0x4000 is 2^17 intervals) but one cube can.

export interface Cube {
  v: number;
  m: number;
}
export type Cubes = readonly Cube[];

export const cube = (v: number, m: number): Cube => ({ v: (v & m) >>> 0, m: m >>> 0 });

function meet(a: Cube, b: Cube): Cube | null {
  const common = a.m & b.m;
  if (((a.v ^ b.v) & common) !== 0) return null;
  return { v: (a.v | b.v) >>> 0, m: (a.m | b.m) >>> 0 };
}

/// a − b as disjoint cubes: fix, one at a time, each bit b constrains and a does not to the other value.
function cubeMinus(a: Cube, b: Cube): Cube[] {
  if (meet(a, b) === null) return [a];
  const out: Cube[] = [];
  let cur = a;
  let free = (b.m & ~a.m) >>> 0;
  while (free) {
    const bit = free & -free;
    free = (free & ~bit) >>> 0;
    out.push({ v: ((cur.v | ((~b.v) & bit)) >>> 0), m: (cur.m | bit) >>> 0 });
    cur = { v: (cur.v | (b.v & bit)) >>> 0, m: (cur.m | bit) >>> 0 };
  }
  return out;
}

export function intersectCubes(a: Cubes, b: Cubes): Cubes {
  const out: Cube[] = [];
  for (const x of a) for (const y of b) {
    const c = meet(x, y);
    if (c) out.push(c);
  }
  return out;
}

export function subtractCubes(a: Cubes, b: Cubes): Cubes {
  let cur: Cube[] = [...a];
  for (const y of b) cur = cur.flatMap((x) => cubeMinus(x, y));
  return cur;
}

export function overlapsCubes(a: Cubes, b: Cubes): boolean {
  return a.some((x) => b.some((y) => meet(x, y) !== null));
}
