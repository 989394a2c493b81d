// The ruleset editor: a CodeMirror view with iptables highlighting, the engine's diagnostics, and a
// line decoration for the rule the playback points at.
import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { syntaxHighlighting } from '@codemirror/language';
import { lintGutter, lintKeymap, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { Annotation, EditorState, StateEffect, StateField, Text, type Extension, type Range } from '@codemirror/state';
import { Decoration, drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, type DecorationSet } from '@codemirror/view';
import type { Diagnostic } from '../../engine/model/span';
import { iptablesCompletion, iptablesHover, type CompletionData } from './iptables-completion';
import { iptablesHighlight, iptablesLanguage } from './iptables-language';

const setDeciding = StateEffect.define<{ from: number; to: number } | null>();

/// A change that came from the state (an example, a link, a file): not an edit to report back.
const fromState = Annotation.define<boolean>();

const decidingLine = Decoration.line({ class: 'cm-deciding-rule' });

const decidingField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects)
      if (e.is(setDeciding)) {
        if (!e.value) return Decoration.none;
        const { doc } = tr.state;
        const to = Math.min(e.value.to, doc.length);
        const ranges: Range<Decoration>[] = [];
        for (let pos = Math.min(e.value.from, doc.length); pos <= to; ) {
          const line = doc.lineAt(pos);
          ranges.push(decidingLine.range(line.from));
          pos = line.to + 1;
        }
        deco = Decoration.set(ranges);
      }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '13px', color: 'var(--fg)', backgroundColor: 'var(--bg-code)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.55' },
  '.cm-content': { caretColor: 'var(--accent)' },
  '.cm-gutters': { backgroundColor: 'var(--bg-code)', color: 'var(--fg-faint)', border: 'none' },
  '.cm-activeLine': { backgroundColor: 'var(--bg-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--bg-active-line)' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--accent)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--bg-selection)' },
  '.cm-deciding-rule': { backgroundColor: 'var(--bg-deciding)', boxShadow: 'inset 3px 0 0 var(--accent)' },
  '.cm-tooltip': { backgroundColor: 'var(--bg-raised)', color: 'var(--fg)', border: '1px solid var(--border)', borderRadius: '5px' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--accent)', color: 'var(--on-accent)' },
  '.cm-completionDetail': { color: 'var(--fg-muted)', fontStyle: 'normal', marginLeft: '0.8em' },
  '.cm-completionInfo': { maxWidth: '22rem', padding: '0.3rem 0.5rem' },
  '.cm-nf-hover': { padding: '0.35rem 0.55rem', maxWidth: '26rem', fontSize: '12.5px' },
  '.cm-nf-hover strong': { fontFamily: 'var(--mono)', display: 'block', marginBottom: '0.15rem' },
});

export interface RulesetEditorOptions {
  parent: HTMLElement;
  doc: string;
  /// Called on every edit made in the editor (not on `setText`); read the text when needed (it can be megabytes).
  onChange: () => void;
  readOnly?: boolean;
  label?: string;
  /// Where completion and hover find modules and chains.
  completion?: CompletionData;
}

export function createRulesetEditor(opts: RulesetEditorOptions): EditorView {
  const extensions: Extension[] = [
    lineNumbers(), highlightActiveLineGutter(), history(), drawSelection(), highlightActiveLine(), lintGutter(),
    iptablesLanguage, syntaxHighlighting(iptablesHighlight), decidingField, theme,
    // Tab is left to the browser so keyboard users can leave the editor.
    keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap, ...lintKeymap]),
    opts.completion ? [autocompletion({ override: [iptablesCompletion(opts.completion)], icons: false }), iptablesHover(opts.completion)] : [],
    EditorView.contentAttributes.of({ 'aria-label': opts.label ?? 'Ruleset', spellcheck: 'false', autocapitalize: 'off', autocorrect: 'off' }),
    EditorState.readOnly.of(opts.readOnly ?? false),
    bigPaste,
    EditorView.editable.of(!opts.readOnly),
    EditorView.updateListener.of((u) => {
      if (u.docChanged && !u.transactions.every((tr) => tr.annotation(fromState))) opts.onChange();
    }),
  ];
  return new EditorView({ parent: opts.parent, state: EditorState.create({ doc: opts.doc, extensions }) });
}

/// The document's text. A big one is read in slices of about a megabyte, yielding to the page between
/// them, and joined once (a flat string: sending a rope to the worker would flatten it there and then).
export async function readText(doc: Text, slice = 1 << 20): Promise<string> {
  if (doc.length <= slice) return doc.toString();
  const parts: string[] = [];
  for (let from = 0; from < doc.length; from += slice) {
    parts.push(doc.sliceString(from, Math.min(doc.length, from + slice)));
    await new Promise((ok) => setTimeout(ok));
  }
  return parts.join('');
}

/// Replaces the text when it differs (an example, a link or a file loaded), keeping undo history. A big
/// text is split into lines a megabyte at a time (see `toDoc`); `stale` says a newer text has come
/// meanwhile, and this one is dropped. Resolves to whether the text was set.
export async function setText(view: EditorView, text: string, stale: () => boolean = () => false): Promise<boolean> {
  if (view.state.doc.length === text.length && view.state.doc.toString() === text) return true;
  const insert = await toDoc(text, stale);
  if (insert === null) return false;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert }, annotations: fromState.of(true) });
  return true;
}

/// Text past this many characters is made into a document a slice at a time.
const SLICE = 1 << 20;

const nextTask = () => new Promise((ok) => setTimeout(ok));

/// A document of `text` (split into lines as CodeMirror does), built in slices with the page responsive
/// between them; null when `stale` says it is no longer wanted. Small text is returned as it is.
async function toDoc(text: string, stale: () => boolean): Promise<string | Text | null> {
  if (text.length <= SLICE) return text;
  const lines: string[] = [];
  for (let from = 0; from <= text.length; ) {
    let nl = text.indexOf('\n', Math.min(from + SLICE, text.length));
    if (nl < 0) nl = text.length;
    const end = text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    for (const l of text.slice(from, end).split(/\r\n?|\n/)) lines.push(l);
    from = nl + 1;
    await nextTask();
    if (stale()) return null;
  }
  const doc = Text.of(lines);
  // Building the document and showing it are two long jobs: two tasks. The second right after a frame,
  // when the page's layout is clean (the editor reads the DOM selection, which would lay it out again).
  await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok)));
  return stale() ? null : doc;
}

/// A big paste goes the same way: CodeMirror's own would split megabytes in one task.
const bigPaste = EditorView.domEventHandlers({
  paste(event, view) {
    const text = event.clipboardData?.getData('text/plain');
    if (!text || text.length <= SLICE || view.state.readOnly) return false;
    event.preventDefault();
    const before = view.state.doc;
    const { from, to } = view.state.selection.main;
    void toDoc(text, () => view.state.doc !== before).then((insert) => {
      if (insert === null) return;
      view.dispatch({ changes: { from, to, insert }, selection: { anchor: from + insert.length }, userEvent: 'input.paste', scrollIntoView: true });
    });
    return true;
  },
});

export function showDiagnostics(view: EditorView, diagnostics: readonly Diagnostic[]) {
  const len = view.state.doc.length;
  const list: CmDiagnostic[] = diagnostics.map((d) => ({
    from: Math.min(d.from, len), to: Math.min(Math.max(d.to, d.from), len), severity: d.severity, message: d.message, source: 'nfplay',
  }));
  view.dispatch(setDiagnostics(view.state, list));
}

export function showDecidingRule(view: EditorView, range: { from: number; to: number } | null, scroll = true) {
  const effects: StateEffect<unknown>[] = [setDeciding.of(range)];
  if (range && scroll && range.from <= view.state.doc.length) effects.push(EditorView.scrollIntoView(range.from, { y: 'nearest' }));
  view.dispatch({ effects });
}
