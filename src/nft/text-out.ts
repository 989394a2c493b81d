// Output text made line by line, for rulesets of 100k rules. A line is built from many small strings;
// kept one by one until the end, they would all outlive the young generation and be copied by every
// scavenge. Joined a few thousand at a time instead, they die young, and what stays is a few large
// blocks, which the young generation never copies.
const BLOCK = 2048;

export class TextOut {
  private lines: string[] = [];
  private readonly blocks: string[] = [];

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length >= BLOCK) this.flush();
  }

  /// Lines already joined (another TextOut's text without its final newline).
  pushText(text: string): void {
    if (!text) return;
    this.flush();
    this.blocks.push(text);
  }

  /// All lines, each ending with a newline.
  text(): string {
    this.flush();
    return this.blocks.length ? this.blocks.join('\n') + '\n' : '';
  }

  /// The lines without the final newline (for pushText).
  body(): string {
    this.flush();
    return this.blocks.join('\n');
  }

  private flush(): void {
    if (!this.lines.length) return;
    this.blocks.push(this.lines.join('\n'));
    this.lines = [];
  }
}
