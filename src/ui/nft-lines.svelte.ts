// The lines of a long nftables translation, a page at a time. The worker keeps the whole text (a 100k-rule
// translation is about 19 MB: sent at once, taking it in would hold the page up) and the pane asks for
// the pages it shows, as it scrolls or jumps to a line. Pages stay cached up to a bound; the ones farthest
// from the lines last asked for go first.

/// Lines per page.
export const PAGE = 200;
/// Pages kept.
const KEEP = 60;

export type FetchLines = (start: number, end: number) => Promise<string[] | { gone: true } | null>;

export class NftLines {
  #pages = new Map<number, string[]>();
  // Bumped when pages arrive: what reads lines re-renders.
  #version = $state(0);
  // The pages the request in flight brings, and which request that is (a newer one supersedes it).
  #pending = new Set<number>();
  #seq = 0;
  #center = 0;

  /// `first`: the lines sent with the translation. `gone`: the worker no longer has the translation.
  constructor(
    readonly total: number,
    first: readonly string[],
    private fetch: FetchLines,
    private gone: () => void = () => {},
  ) {
    for (let p = 0; p * PAGE < first.length; p++) {
      const page = first.slice(p * PAGE, (p + 1) * PAGE);
      // A last partial page is whole only at the end of the text.
      if (page.length === PAGE || p * PAGE + page.length === total) this.#pages.set(p, page);
    }
  }

  /// Line `i` (0-based), or undefined while its page is on its way.
  get(i: number): string | undefined {
    void this.#version;
    return this.#pages.get(Math.floor(i / PAGE))?.[i % PAGE];
  }

  /// Asks for the pages holding lines `start` to `end` (end excluded) that are not here yet.
  want(start: number, end: number) {
    start = Math.max(0, start);
    end = Math.min(this.total, end);
    if (start >= end) return;
    this.#center = (start + end) >> 1;
    const missing: number[] = [];
    for (let p = Math.floor(start / PAGE); p * PAGE < end; p++) if (!this.#pages.has(p)) missing.push(p);
    if (!missing.length || missing.every((p) => this.#pending.has(p))) return;
    const first = missing[0];
    const last = missing[missing.length - 1];
    const mine = ++this.#seq;
    this.#pending = new Set(missing);
    void this.fetch(first * PAGE, Math.min(this.total, (last + 1) * PAGE)).then(
      (lines) => {
        if (mine === this.#seq) this.#pending = new Set();
        if (!lines) return;
        if (!Array.isArray(lines)) return void this.gone();
        for (let p = first; p <= last; p++) {
          const page = lines.slice((p - first) * PAGE, (p - first + 1) * PAGE);
          if (page.length) this.#pages.set(p, page);
        }
        this.#evict();
        this.#version++;
      },
      () => mine === this.#seq && (this.#pending = new Set()),
    );
  }

  #evict() {
    if (this.#pages.size <= KEEP) return;
    const here = Math.floor(this.#center / PAGE);
    const far = [...this.#pages.keys()].sort((a, b) => Math.abs(b - here) - Math.abs(a - here));
    for (const p of far.slice(0, this.#pages.size - KEEP)) this.#pages.delete(p);
  }
}
