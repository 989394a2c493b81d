// The ruleset editor: a CodeMirror view with iptables highlighting, the engine's diagnostics, and a
// line decoration for the rule the playback points at.
import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { lintGutter, lintKeymap, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { Annotation, EditorState, StateEffect, StateField, Text, type Extension, type Range } from '@codemirror/state';
import { Decoration, drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, type DecorationSet } from '@codemirror/view';
import type { Diagnostic } from '../../engine/model/span';
import { iptablesCompletion, iptablesHover, type CompletionData } from './iptables-completion';
import { iptablesHighlight, iptablesParser } from './iptables-language';
import { bigTextTracker, knownText, loadText, ONE_GO } from '../big-text';
import { viewportHighlighting } from '../viewport-highlight';
import { nextTask } from '../../worker/next-task';

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

const setAdded = StateEffect.define<readonly number[]>();
const addedLine = Decoration.line({ class: 'cm-added-line' });

/// Lines of a proposed ruleset that the current one does not have (a bar in the margin).
const addedField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects)
      if (e.is(setAdded)) {
        const { doc } = tr.state;
        deco = Decoration.set(e.value.filter((n) => n >= 1 && n <= doc.lines).map((n) => addedLine.range(doc.line(n).from)));
      }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export function showAddedLines(view: EditorView, lines: readonly number[]) {
  view.dispatch({ effects: setAdded.of(lines) });
}

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
  '.cm-nf-finding': { maxWidth: '30rem', fontSize: '12.5px', whiteSpace: 'normal' },
  '.cm-nf-finding p': { margin: '0.3rem 0 0', color: 'var(--fg-muted)' },
  '.cm-nf-finding .cm-nf-finding-fix': { color: 'var(--fg)' },
  '.cm-nf-finding-related': { marginBottom: '-0.2rem' },
  '.cm-diagnosticAction': { backgroundColor: 'var(--bg-raised)', color: 'var(--accent)', border: '1px solid var(--border-strong)', borderRadius: '4px', padding: '0 0.4rem', fontSize: '12px' },
  '.cm-diagnosticSource': { color: 'var(--fg-faint)' },
  '.cm-added-line': { boxShadow: 'inset 3px 0 0 var(--ok)' },
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
    viewportHighlighting(iptablesParser, iptablesHighlight), decidingField, addedField, theme,
    // Tab is left to the browser so keyboard users can leave the editor.
    keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap, ...lintKeymap]),
    opts.completion ? [autocompletion({ override: [iptablesCompletion(opts.completion)], icons: false }), iptablesHover(opts.completion)] : [],
    EditorView.contentAttributes.of({ 'aria-label': opts.label ?? 'Ruleset', spellcheck: 'false', autocapitalize: 'off', autocorrect: 'off' }),
    EditorState.readOnly.of(opts.readOnly ?? false),
    bigPaste, bigTextTracker,
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
  const known = knownText(doc);
  if (known !== undefined) return known;
  if (doc.length <= slice) return doc.toString();
  const parts: string[] = [];
  for (let from = 0; from < doc.length; from += slice) {
    const part = doc.sliceString(from, Math.min(doc.length, from + slice));
    // A slice is a rope of its lines: flattened here (reading a character does it), not all at once in the join.
    part.charCodeAt(0);
    parts.push(part);
    await nextTask();
  }
  return parts.join('');
}

/// Replaces the text when it differs (an example, a link or a file loaded), keeping undo history. A big
/// text's document is built a slice per task first (see `loadText`); `stale` says a newer text has come
/// meanwhile, and this one stops. Resolves to whether the text was set.
export async function setText(view: EditorView, text: string, stale: () => boolean = () => false): Promise<boolean> {
  if (view.state.doc.length === text.length && view.state.doc.toString() === text) return true;
  return loadText(view, text, { stale, spec: () => ({ annotations: fromState.of(true) }) });
}

/// A big paste goes the same way: CodeMirror's own would split megabytes and build their tree in one task.
const bigPaste = EditorView.domEventHandlers({
  paste(event, view) {
    const text = event.clipboardData?.getData('text/plain');
    if (!text || text.length <= ONE_GO || view.state.readOnly) return false;
    event.preventDefault();
    const { from, to } = view.state.selection.main;
    // The cursor goes after the text; the view stays where it was (bringing the end of 15 MB into view
    // redraws it all, in the same task).
    void loadText(view, text, { from, to, spec: ({ end }) => ({ userEvent: 'input.paste', selection: { anchor: end } }) });
    return true;
  },
});

/// A lint finding as the editor shows it: where, how bad, what; its explanation and fix in the tooltip and
/// the panel; the other rules it is about as "line N" actions.
export interface EditorFinding extends Diagnostic {
  code: string;
  explanation: string;
  fix: string;
  related?: number[];
}

/// The parser's diagnostics and the analysis's findings (offsets into the editor's text), in one set.
export function showDiagnostics(view: EditorView, diagnostics: readonly Diagnostic[], findings: readonly EditorFinding[] = []) {
  const len = view.state.doc.length;
  const at = (d: Diagnostic) => ({ from: Math.min(d.from, len), to: Math.min(Math.max(d.to, d.from), len) });
  const list: CmDiagnostic[] = diagnostics.map((d) => ({ ...at(d), severity: d.severity, message: d.message, source: 'nfplay' }));
  for (const f of findings)
    list.push({
      ...at(f), severity: f.severity, message: f.message, source: `nfplay lint: ${f.code}`,
      renderMessage: () => findingMessage(f),
      actions: (f.related ?? []).filter((l) => l >= 1 && l <= view.state.doc.lines).map((l) => ({ name: `line ${l}`, apply: (v: EditorView) => goToLine(v, l) })),
    });
  view.dispatch(setDiagnostics(view.state, list));
}

/// Text nodes only: a finding quotes the user's rules.
function findingMessage(f: EditorFinding): HTMLElement {
  const box = document.createElement('div');
  box.className = 'cm-nf-finding';
  const part = (tag: string, cls: string, text: string, label?: string) => {
    const el = document.createElement(tag);
    el.className = cls;
    if (label) {
      const b = document.createElement('b');
      b.textContent = label;
      el.append(b, ' ');
    }
    el.append(text);
    box.append(el);
  };
  part('strong', 'cm-nf-finding-message', f.message);
  part('p', 'cm-nf-finding-why', f.explanation);
  part('p', 'cm-nf-finding-fix', f.fix, 'Fix:');
  if (f.related?.length) part('p', 'cm-nf-finding-related', '', f.related.length === 1 ? 'The other rule:' : 'The other rules:');
  return box;
}

/// Puts the cursor at the start of a line and scrolls it into the middle of the view.
export function goToLine(view: EditorView, line: number, focus = false) {
  const l = view.state.doc.line(Math.max(1, Math.min(line, view.state.doc.lines)));
  view.dispatch({ selection: { anchor: l.from }, effects: EditorView.scrollIntoView(l.from, { y: 'center' }) });
  if (focus) view.focus();
}

/// Marks the rule that decided, and brings it into the editor's own view. Only the editor scrolls:
/// CodeMirror's scrollIntoView also scrolls the page, which on a phone, where the editor is as tall as its
/// text, opened the playground 700 px down at the editor instead of at the diagram.
export function showDecidingRule(view: EditorView, range: { from: number; to: number } | null, scroll = true) {
  view.dispatch({ effects: setDeciding.of(range) });
  if (!range || !scroll || range.from > view.state.doc.length) return;
  const scroller = view.scrollDOM;
  const block = view.lineBlockAt(range.from);
  // Block positions count from the top of the document, which sits documentPadding below the scroller's.
  const top = block.top + view.documentPadding.top;
  if (top < scroller.scrollTop || top + block.height > scroller.scrollTop + scroller.clientHeight)
    scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 3);
}
