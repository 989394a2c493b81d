// Megabytes of text into a CodeMirror view without a long task. One transaction carrying a 100k-line
// document costs 50+ ms (the document tree built at once, then every extension and the view updating
// with it); here the text goes in as a series of small transactions, a few hundred kilobytes each, in
// tasks of their own: the first replaces the target range with the first lines, each next one appends
// the following lines where the previous one ended. Their history events join into one (no user event
// on the later ones, each adjacent to the last, well within the history's grouping delay), so a single
// undo takes the whole load back.
import { Text, type TransactionSpec } from '@codemirror/state';
import { EditorView } from '@codemirror/view';

/// Text up to this many characters goes in as one transaction.
export const ONE_GO = 1 << 18;
/// Splitting per task before yielding to the page: the transaction that follows costs about as much
/// again, and more on a busy machine.
const BUDGET_MS = 5;

interface Insertion {
  /// Where the next slice goes: the end of what was inserted so far.
  pos: number;
}

const running = new WeakMap<EditorView, Set<Insertion>>();
/// The latest load started on each view: an older one still in progress stops.
const latest = new WeakMap<EditorView, number>();
let loads = 0;

/// Keeps each load's insertion point in step with the document: its own appends move it to their end,
/// and an edit made meanwhile (someone typing above it) shifts it. Part of the editor's extensions.
export const bigTextTracker = EditorView.updateListener.of((u) => {
  const set = running.get(u.view);
  if (set && u.docChanged) for (const ins of set) ins.pos = u.changes.mapPos(ins.pos, 1);
});

export interface LoadOptions {
  /// The range replaced (default: the whole document).
  from?: number;
  to?: number;
  /// A newer load has come (or the view has gone): stop where it is.
  stale?: () => boolean;
  /// Extra fields for each transaction (annotations, user event, selection); `end` is where the text
  /// inserted so far ends.
  spec?: (at: { first: boolean; last: boolean; end: number }) => Omit<TransactionSpec, 'changes'>;
}

const nextTask = () => new Promise<void>((ok) => setTimeout(ok));

// Documents that are exactly a text loaded whole: reading them back (to hand them to the engine) need
// not copy 15 MB out of the document's tree again.
const known = new WeakMap<Text, string>();

/// The string a document was loaded from, when it was loaded whole and not edited since.
export function knownText(doc: Text): string | undefined {
  return known.get(doc);
}

/// Replaces a range of the view's document with `text`, in slices when it is big. Resolves to whether
/// the whole text went in.
export async function loadText(view: EditorView, text: string, opts: LoadOptions = {}): Promise<boolean> {
  const id = ++loads;
  latest.set(view, id);
  const stale = () => latest.get(view) !== id || (opts.stale?.() ?? false);
  const from = opts.from ?? 0;
  const to = opts.to ?? view.state.doc.length;
  if (text.length <= ONE_GO) {
    const insert = Text.of(text.split(/\r\n?|\n/));
    view.dispatch({ ...opts.spec?.({ first: true, last: true, end: from + insert.length }), changes: { from, to, insert } });
    return true;
  }
  const whole = from === 0 && to === view.state.doc.length && !text.includes('\r');
  const ins: Insertion = { pos: from };
  let set = running.get(view);
  if (!set) running.set(view, (set = new Set()));
  try {
    // Not in the task that asked (a paste event): it has done enough.
    await nextTask();
    if (stale()) return false;
    let at = 0;
    let first = true;
    while (at <= text.length) {
      const started = performance.now();
      const lines: string[] = first ? [] : [''];
      // Whole lines, a slice at a time, until this task's budget is spent.
      do {
        let nl = text.indexOf('\n', Math.min(at + (ONE_GO >> 2), text.length));
        if (nl < 0) nl = text.length;
        const end = text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        for (const l of text.slice(at, end).split(/\r\n?|\n/)) lines.push(l);
        at = nl + 1;
      } while (at <= text.length && performance.now() - started < BUDGET_MS);
      const insert = Text.of(lines);
      const last = at > text.length;
      const changes = first ? { from, to, insert } : { from: ins.pos, insert };
      const end = (first ? from : ins.pos) + insert.length;
      set.add(ins);
      view.dispatch({ ...opts.spec?.({ first, last, end }), changes });
      // The tracker has moved `pos` past the insertion; set it exactly (a replacement maps its start).
      ins.pos = end;
      first = false;
      if (last) {
        if (whole && view.state.doc.length === text.length) known.set(view.state.doc, text);
        return true;
      }
      await nextTask();
      if (stale()) return false;
    }
    return true;
  } finally {
    set.delete(ins);
  }
}

/// A file's text, decoded a chunk at a time as it streams in (File.text() decodes 15 MB in one task).
export async function readFileText(file: Blob): Promise<string> {
  if (file.size <= ONE_GO) return file.text();
  const parts: string[] = [];
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return parts.join('');
}
