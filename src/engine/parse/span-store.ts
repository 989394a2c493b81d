// Where the rules of one parse keep the places they were read from: numbers in one growing Int32Array,
// made into span and clause objects only when read. A 100k-rule dump has half a million clauses; as
// arrays and objects on the JavaScript heap the garbage collector would scan and copy every one of them
// while the dump is parsed, and few are ever read (errors, the analysis, the editor's marks).

/// Clause option names (`-s`, `--dport` ...) by number, the same for every parse: a bounded set (the
/// registry's options), kept as small integers in the store.
const OPTIONS: string[] = [];
const OPTION_IDS = new Map<string, number>();

export function optionId(option: string): number {
  let id = OPTION_IDS.get(option);
  if (id === undefined) {
    id = OPTIONS.push(option) - 1;
    OPTION_IDS.set(option, id);
  }
  return id;
}

export function optionName(id: number): string {
  return OPTIONS[id];
}

export class SpanStore {
  data = new Int32Array(4096);
  private n = 0;

  /// `count` consecutive slots; returns the first. Offsets into a source of up to 2 GB fit.
  reserve(count: number): number {
    const at = this.n;
    const end = at + count;
    if (end > this.data.length) {
      let size = this.data.length * 2;
      while (size < end) size *= 2;
      const grown = new Int32Array(size);
      grown.set(this.data.subarray(0, at));
      this.data = grown;
    }
    this.n = end;
    return at;
  }
}
