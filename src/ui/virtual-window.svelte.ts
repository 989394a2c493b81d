// The rows of a long list that are in view: a list of thousands (packets, steps, verdicts, translation
// lines) renders only the window the scroller shows, plus a margin, between two spacers of the height of
// the rows left out. Rows have one fixed height while a list is windowed. Screen readers still learn the
// whole list's size from aria-setsize / aria-rowcount, which the lists set.
export class VirtualWindow {
  #top = $state(0);
  #height = $state(0);
  #el: HTMLElement | null = null;

  /// `offset`: the scroller's pixels above the first row (a sticky title).
  constructor(
    readonly rowHeight: number,
    readonly overscan = 10,
    readonly offset = 0,
  ) {}

  /// A Svelte attachment for the scrolling element.
  attach = (el: HTMLElement) => {
    this.#el = el;
    const onScroll = () => (this.#top = el.scrollTop);
    // Measured once laid out (the observer's first call comes after the layout): reading the size now
    // would lay out the page that is still being built, in the same task.
    const size = new ResizeObserver(() => {
      this.#height = el.clientHeight;
      this.#top = el.scrollTop;
    });
    el.addEventListener('scroll', onScroll, { passive: true });
    size.observe(el);
    this.#top = 0;
    return () => {
      el.removeEventListener('scroll', onScroll);
      size.disconnect();
      if (this.#el === el) this.#el = null;
    };
  };

  /// The rows to render of `count`, and the room the others take above and below.
  slice(count: number): { start: number; end: number; before: number; after: number } {
    const h = this.rowHeight;
    // Before the first measure, a screenful of a typical scroller.
    const view = this.#height || 600;
    const start = Math.max(0, Math.min(count, Math.floor((this.#top - this.offset) / h) - this.overscan));
    const end = Math.max(start, Math.min(count, Math.ceil((this.#top - this.offset + view) / h) + this.overscan));
    return { start, end, before: start * h, after: (count - end) * h };
  }

  /// Scrolls row `index` into view (as scrollIntoView's `nearest`, or centred).
  show(index: number, block: 'nearest' | 'center' = 'nearest') {
    const el = this.#el;
    if (!el) return;
    const y = this.offset + index * this.rowHeight;
    const view = el.clientHeight;
    let top = el.scrollTop;
    if (block === 'center') top = y - (view - this.rowHeight) / 2;
    else if (y < top + this.offset) top = y - this.offset;
    else if (y + this.rowHeight > top + view) top = y + this.rowHeight - view;
    el.scrollTop = Math.max(0, top);
    this.#top = el.scrollTop;
  }
}

/// Moves focus between the rows of a windowed list with the arrow keys, Home and End: the row to focus
/// may not be rendered yet, so it is scrolled to first. `selector(i)` finds row i's focusable element.
export function rowKeys(e: KeyboardEvent, win: VirtualWindow, count: number, current: number, selector: (i: number) => string, root: HTMLElement | undefined) {
  const next = { ArrowDown: current + 1, ArrowUp: current - 1, Home: 0, End: count - 1 }[e.key];
  if (next === undefined || next < 0 || next >= count || !root) return;
  e.preventDefault();
  win.show(next);
  // A row out of the window renders on the next update; one in it takes focus now (a held key repeats
  // faster than frames come).
  const row = root.querySelector<HTMLElement>(selector(next));
  if (row) row.focus();
  else requestAnimationFrame(() => root.querySelector<HTMLElement>(selector(next))?.focus());
}
