// Sets of integers as sorted, disjoint, non-adjacent closed intervals, flattened: [lo0, hi0, lo1, hi1 ...].
// Every numeric packet field of the analysis (addresses, ports, protocol, interface atoms) is one of these.

export type Ivals = readonly number[];

export function ivals(ranges: readonly { min: number; max: number }[]): Ivals {
  const sorted = ranges.filter((r) => r.min <= r.max).map((r) => [r.min, r.max]).sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of sorted) {
    const n = out.length;
    if (n && lo <= out[n - 1] + 1) out[n - 1] = Math.max(out[n - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

export function intersectIvals(a: Ivals, b: Ivals): Ivals {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i], b[j]);
    const hi = Math.min(a[i + 1], b[j + 1]);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out;
}

export function subtractIvals(a: Ivals, b: Ivals): Ivals {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i];
    const hi = a[i + 1];
    while (j < b.length && b[j + 1] < lo) j += 2;
    let k = j;
    while (k < b.length && b[k] <= hi && lo <= hi) {
      if (b[k] > lo) out.push(lo, b[k] - 1);
      lo = b[k + 1] + 1;
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

export function overlaps(a: Ivals, b: Ivals): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (Math.max(a[i], b[j]) <= Math.min(a[i + 1], b[j + 1])) return true;
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return false;
}

export function sameIvals(a: Ivals, b: Ivals): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function ivalsSize(a: Ivals): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 2) n += a[i + 1] - a[i] + 1;
  return n;
}
