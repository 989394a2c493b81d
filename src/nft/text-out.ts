// Output text made piece by piece, for rulesets of 100k rules. A line is written as the pieces it is
// made of (`add`, then `end`), not concatenated first: a concatenation makes a tree of small string
// nodes that the final join must walk and the young generation must copy while it waits; an array of
// pieces joined once per block copies each piece's characters once. The pieces go into one array, which
// grows to a block's size once and is reused for every block; what stays is a few large strings, which
// the young generation never copies.
const BLOCK = 8192;

export class TextOut {
  private readonly parts: string[] = [];
  private n = 0;
  private readonly blocks: string[] = [];
  /// Where each block starts in the whole text; the length of the blocks, and of the pieces not yet in one.
  private readonly starts: number[] = [];
  private flushed = 0;
  private pending = 0;

  /// Empties it for another text (the pieces of the last block would keep their strings alive).
  reset(): this {
    this.parts.fill('');
    this.n = 0;
    this.blocks.length = 0;
    this.starts.length = 0;
    this.flushed = this.pending = 0;
    return this;
  }

  /// A whole line.
  push(line: string): void {
    this.add(line);
    this.end();
  }

  /// A piece of the current line.
  add(piece: string): void {
    if (this.n === BLOCK) this.flush();
    this.parts[this.n++] = piece;
    this.pending += piece.length;
  }

  /// Ends the current line.
  end(): void {
    this.add('\n');
  }

  /// Lines already joined, each ending with a newline: kept as they are until the end.
  pushText(text: string): void {
    this.flush();
    this.starts.push(this.flushed);
    this.blocks.push(text);
    this.flushed += text.length;
  }

  /// Where the next piece goes in the whole text (for `slice`).
  get position(): number {
    return this.flushed + this.pending;
  }

  /// The text between two positions: a view of the block that holds it, which shares its characters.
  slice(from: number, to: number): string {
    this.flush();
    // The last block that starts at or before `from`.
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= from) lo = mid;
      else hi = mid - 1;
    }
    let text = '';
    for (let k = lo; k < this.blocks.length && this.starts[k] < to; k++) text += this.blocks[k].slice(Math.max(from - this.starts[k], 0), to - this.starts[k]);
    return text;
  }

  /// All lines, each ending with a newline.
  text(): string {
    this.flush();
    return this.blocks.length === 1 ? this.blocks[0] : this.blocks.join('');
  }

  private flush(): void {
    if (!this.n) return;
    this.starts.push(this.flushed);
    this.blocks.push(this.n === this.parts.length ? this.parts.join('') : this.parts.slice(0, this.n).join(''));
    this.flushed += this.pending;
    this.n = this.pending = 0;
  }
}
