// Highlighting of what is on screen only, for a line-oriented stream tokenizer (one whose state starts
// afresh on each line, as iptables text does). A StreamLanguage parses from the top of the document to
// the viewport and keeps a tree of it: on a 100k-line dump that is 20 ms of parsing inside the
// transaction that loads it, and idle-time parse slices of up to 50 ms after. Here each update
// tokenizes the lines of the viewport and nothing else.
import { HighlightStyle, indentUnit, StringStream, type StreamParser } from '@codemirror/language';
import { EditorState, RangeSetBuilder, type Extension } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { tags, type Tag } from '@lezer/highlight';

/// Longer lines are highlighted up to here (a megabyte on one line is not worth colouring).
const MAX_LINE = 10_000;

export function viewportHighlighting<S>(parser: StreamParser<S>, style: HighlightStyle): Extension {
  const marks = new Map<string, Decoration | null>();
  const markFor = (token: string): Decoration | null => {
    let mark = marks.get(token);
    if (mark === undefined) {
      const tagList = token.split(' ').map((name) => (tags as unknown as Record<string, Tag | undefined>)[name]).filter((t): t is Tag => !!t);
      const cls = tagList.length ? style.style(tagList) : null;
      mark = cls ? Decoration.mark({ class: cls }) : null;
      marks.set(token, mark);
    }
    return mark;
  };

  function build(view: EditorView): DecorationSet {
    const b = new RangeSetBuilder<Decoration>();
    const { doc, tabSize } = view.state;
    const unit = view.state.facet(indentUnit).length;
    const { from, to } = view.viewport;
    for (let pos = from; pos <= to; ) {
      const line = doc.lineAt(pos);
      const text = line.text.length > MAX_LINE ? line.text.slice(0, MAX_LINE) : line.text;
      const state = parser.startState ? parser.startState(unit) : (null as S);
      const stream = new StringStream(text, tabSize, unit);
      while (!stream.eol()) {
        stream.start = stream.pos;
        const token = parser.token(stream, state);
        // A tokenizer must consume something; guard against one that does not.
        if (stream.pos === stream.start) stream.pos++;
        const mark = token ? markFor(token) : null;
        if (mark) b.add(line.from + stream.start, line.from + stream.pos, mark);
      }
      pos = line.to + 1;
    }
    return b.finish();
  }

  return [
    ViewPlugin.fromClass(
      class {
        decorations: DecorationSet;
        constructor(view: EditorView) {
          this.decorations = build(view);
        }
        update(u: ViewUpdate) {
          if (u.docChanged || u.viewportChanged) this.decorations = build(u.view);
        }
      },
      { decorations: (v) => v.decorations },
    ),
    // The style's CSS (syntaxHighlighting would mount it).
    style.module ? EditorView.styleModule.of(style.module) : [],
    parser.languageData ? EditorState.languageData.of(() => [parser.languageData!]) : [],
  ];
}
