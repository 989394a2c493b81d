// Numbers with thousands separators. Not toLocaleString: its first call in a page loads the locale's
// number data, a long task (about 60 ms in Chromium) at the moment a big ruleset's result arrives.

/// 100000 -> "100,000".
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
