// Megabytes of text into a CodeMirror view without a long task. One transaction carrying a 100k-line
// document costs 50+ ms when CodeMirror builds the document tree from the lines in it (splitting 15 MB and
// making the tree at once); here the tree is built beforehand, a slice of lines per task, and handed to
// one transaction, whose cost then does not grow with the text: the tree is ready, and the view draws
// only the lines in view. One transaction is also one undo event.
import { Text, type TransactionSpec } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { nextTask } from '../worker/next-task';

/// Text up to this many characters goes in as one transaction.
export const ONE_GO = 1 << 18;
/// Building the document tree per task before yielding to the page, in slices of about SLICE characters.
const BUDGET_MS = 4;
const SLICE = 1 << 16;
/// Bytes of a file decoded per task.
const FILE_SLICE = 1 << 20;

interface Insertion {
  /// The range the text replaces, in the document as it is now.
  from: number;
  to: number;
}

const running = new WeakMap<EditorView, Set<Insertion>>();
/// The latest load started on each view: an older one still in progress stops.
const latest = new WeakMap<EditorView, number>();
let loads = 0;

/// Keeps the range each load replaces in step with the document while its tree is built: an edit made
/// meanwhile (someone typing above it) shifts it. Part of the editor's extensions.
export const bigTextTracker = EditorView.updateListener.of((u) => {
  const set = running.get(u.view);
  if (set && u.docChanged)
    for (const r of set) {
      r.from = u.changes.mapPos(r.from, 1);
      r.to = Math.max(r.from, u.changes.mapPos(r.to, -1));
    }
});

export interface LoadOptions {
  /// The range replaced (default: the whole document).
  from?: number;
  to?: number;
  /// A newer load has come (or the view has gone): stop where it is.
  stale?: () => boolean;
  /// Extra fields for the transaction (annotations, user event, selection); `end` is where the text ends.
  spec?: (at: { end: number }) => Omit<TransactionSpec, 'changes'>;
}

// A text that came in parts (reopened work read back from the worker, client.readRules), until the
// editor loads it: its document is built from the parts, and the text itself is never read, which for a
// string made by `+` of the parts (a rope) means it is never flattened into one 15 MB copy on the page.
let inParts: { text: string; parts: readonly string[]; done: () => void } | null = null;

/// Says that `text` is `parts` concatenated, for the next `loadText` of it. Resolves once that load is
/// over (or another has taken its place), or after `wait` ms without one.
export function textInParts(text: string, parts: readonly string[], wait = 5000): Promise<void> {
  inParts?.done();
  return new Promise((done) => {
    inParts = { text, parts, done };
    setTimeout(done, wait);
  });
}

// Documents that are exactly a text loaded whole: reading them back (to hand them to the engine) need
// not copy 15 MB out of the document's tree again.
const known = new WeakMap<Text, string>();

/// The string a document was loaded from, when it was loaded whole and not edited since.
export function knownText(doc: Text): string | undefined {
  return known.get(doc);
}

/// Replaces a range of the view's document with `text`. A big text's document tree is built first, off the
/// view, a slice of lines per task; then it goes in as one transaction, whose cost no longer grows with
/// the text (the tree is ready, and the view draws only what is in view). Resolves to whether the whole
/// text went in.
export async function loadText(view: EditorView, text: string, opts: LoadOptions = {}): Promise<boolean> {
  const id = ++loads;
  latest.set(view, id);
  const stale = () => latest.get(view) !== id || (opts.stale?.() ?? false);
  if (text.length <= ONE_GO) {
    const from = opts.from ?? 0;
    const to = opts.to ?? view.state.doc.length;
    const insert = Text.of(text.split(/\r\n?|\n/));
    view.dispatch({ ...opts.spec?.({ end: from + insert.length }), changes: { from, to, insert } });
    return true;
  }
  // Where the text goes, kept in step with edits made while it is built (someone typing above it).
  const range: Insertion = { from: opts.from ?? 0, to: opts.to ?? view.state.doc.length };
  const whole = range.from === 0 && range.to === view.state.doc.length;
  // Says the text given in parts is in (or that it is not coming).
  let loaded: (() => void) | undefined;
  let set = running.get(view);
  if (!set) running.set(view, (set = new Set()));
  set.add(range);
  try {
    // Not in the task that asked (a paste event): it has done enough.
    await nextTask();
    let doc: Text | null = null;
    let cr = false;
    // The end of the previous part's last line, which the next part continues.
    let carry = '';
    // (The same string, not a copy: a comparison of references.)
    const parts = inParts?.text.length === text.length && inParts.text === text ? inParts.parts : [text];
    loaded = inParts?.done;
    inParts = null;
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p];
      const last = p === parts.length - 1;
      cr ||= part.includes('\r');
      let at = 0;
      // The last part goes to its end and one past it (the text's last line, empty after a final newline).
      const more = () => (last ? at <= part.length : at < part.length);
      while (more()) {
        if (stale()) return false;
        const started = performance.now();
        // Whole lines, a slice at a time, until this task's budget is spent. Each next slice starts with an
        // empty line: appended where the last one ended, that is the line break between them.
        do {
          let nl = part.indexOf('\n', Math.min(at + SLICE, part.length));
          if (nl < 0) {
            // The part ends inside a line: the next part has its end (the last part ends the text).
            if (!last) {
              carry += part.slice(at);
              at = part.length;
              break;
            }
            nl = part.length;
          }
          let chunk = carry + part.slice(at, nl);
          carry = '';
          // A CRLF's CR (its LF ends the slice).
          if (chunk.charCodeAt(chunk.length - 1) === 13 && nl < part.length) chunk = chunk.slice(0, -1);
          const lines = chunk.split(/\r\n?|\n/);
          if (doc) lines.unshift('');
          doc = doc ? doc.append(Text.of(lines)) : Text.of(lines);
          at = nl + 1;
        } while (more() && performance.now() - started < BUDGET_MS);
        await nextTask();
      }
    }
    if (stale() || !doc) return false;
    view.dispatch({ ...opts.spec?.({ end: range.from + doc.length }), changes: { from: range.from, to: range.to, insert: doc } });
    if (whole && !cr && view.state.doc.length === text.length) known.set(view.state.doc, text);
    return true;
  } finally {
    set.delete(range);
    loaded?.();
  }
}

/// A file's text, decoded a megabyte at a time in tasks of their own: File.text() decodes 15 MB in one
/// task, and so does a stream read to its end (its chunks are all at hand, and are decoded in one run of
/// microtasks).
export async function readFileText(file: Blob): Promise<string> {
  if (file.size <= ONE_GO) return file.text();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  for (let at = 0; at < file.size; at += FILE_SLICE) {
    const bytes = await file.slice(at, at + FILE_SLICE).arrayBuffer();
    parts.push(decoder.decode(bytes, { stream: at + FILE_SLICE < file.size }));
    await nextTask();
  }
  return parts.join('');
}
