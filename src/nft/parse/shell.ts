// Shell scripts of `nft` commands, as people paste them:
//   #!/bin/sh
//   set -e
//   nft add table inet filter
//   nft 'add chain inet filter input { type filter hook input priority 0; }'
//   nft add rule inet filter input tcp dport { 22, 80 } accept
// The shell's part is done here: quotes, backslashes, `#` comments, `\` continuations, `;` and `&&`
// between commands, `$VAR` from the script's own assignments, `set -e`. Each nft command's arguments are
// then joined with spaces, as nft's main() joins argv, and read as nft reads that buffer (ruleset.ts).
// Facts checked with dash and bash running nft 1.0.6 in a throwaway network namespace:
// - `{ 22, 80 }` needs no quotes (the braces are words of their own); `{22,80}` does in bash, which
//   expands it to `22 80` (nft: "syntax error, unexpected accept"); dash leaves it alone;
// - an unquoted `;` ends the shell command: `{ type filter hook input priority 0; }` is a syntax error
//   at the `}` that stops the script there (bash refuses the whole line); `\;` passes the `;` on;
// - the shell removes quotes, so `comment "allow ssh"` reaches nft as `comment allow ssh`, which nft
//   refuses; `comment '"allow ssh"'` or `\"allow ssh\"` keep nft's quotes;
// - nft options come before the command (`nft -ae add ...`, `nft -- add ...`): after it, nft says
//   "options must be specified before commands"; `priority -150` is no option;
// - each nft command is a transaction of its own (see ruleset.ts: a later command finds the handles of
//   earlier ones); `nft -c` changes nothing but uses up the handles its objects would have taken;
// - without `set -e` the script goes on after a failing command; with it, it stops there.
import type { NftDiagnostic } from './ruleset';

/// One `nft` command of the script, ready for nft's own parser.
export interface ShellCommand {
  /// nft's arguments joined with spaces, as nft joins argv.
  text: string;
  /// For each character of `text`, its offset in the script.
  at: Int32Array;
  /// `nft -c`: checked, not applied.
  check: boolean;
  /// `set -e` was on: the script stops when this command fails.
  errexit: boolean;
  /// After `&&`: runs only when the command before it succeeded.
  andThen: boolean;
}

export interface ShellScript {
  commands: ShellCommand[];
  /// Shell-level errors, with line and column; a fatal one also ended `commands` there.
  diagnostics: NftDiagnostic[];
}

/// nft options without an argument (nft 1.0.6 --help); -I and -d take one.
const FLAGS = new Set(['a', 'e', 'n', 's', 'N', 'S', 'u', 'y', 'p', 'T', 't', 'c', 'I', 'd']);
const LONG_FLAGS = new Set(['handle', 'echo', 'numeric', 'stateless', 'reversedns', 'service', 'guid', 'numeric-priority', 'numeric-protocol', 'numeric-time', 'terse', 'check']);
const SHELLS = /^#!\s*(?:\S*\/)?(?:env\s+)?(sh|bash|dash|ash|ksh|zsh|busybox\s+sh)\b/;

/// Whether a text is a shell script of nft commands rather than a file for `nft -f`: a shell's `#!`, or a
/// first command that is `nft`, `sudo`, `set` or an assignment (none of them starts an nft statement).
export function isShellScript(text: string): boolean {
  const m = /^(?:[ \t]*(?:#(?!!)[^\n]*)?\r?\n)*[ \t]*(#!?[^\n]*|\S+)/.exec(text);
  if (!m) return false;
  const first = m[1];
  if (first.startsWith('#!')) return SHELLS.test(first);
  return /^(?:sudo|set|nft|\S*\/nft|[A-Za-z_][A-Za-z0-9_]*=\S*)$/.test(first) || /^['"]?nft['"]?$/.test(first);
}

/// A word as the shell makes it: its characters with where each came from.
interface Word {
  text: string;
  at: number[];
  /// Any part of it was quoted or escaped (a quoted `}` or `nft` is no keyword).
  quoted: boolean;
  /// Offset of its first character in the script.
  start: number;
}

class ShellError extends Error {
  constructor(message: string, readonly offset: number, readonly fatal = false) {
    super(message);
  }
}

const SPECIAL = new Set(['|', '&', '<', '>', '(', ')', '`']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

class Lexer {
  i = 0;
  /// The script's variables, from its own assignments.
  vars = new Map<string, string>();
  /// `#!` names bash (or no `#!`): unquoted `{a,b}` is brace-expanded.
  braceExpansion: boolean;
  constructor(readonly src: string) {
    const bang = /^#!([^\n]*)/.exec(src)?.[1] ?? '';
    this.braceExpansion = !/^\s*(?:\S*\/)?(?:env\s+)?(?:sh|dash|ash|busybox\s+sh)\b/.test(bang);
  }

  /// One simple command's words and what ended it: a newline or the end ('\n'), `;` or `&&`.
  command(): { words: Word[]; end: '\n' | ';' | '&&'; endAt: number } | null {
    const s = this.src;
    const words: Word[] = [];
    for (;;) {
      // Between words.
      while (this.i < s.length) {
        const c = s[this.i];
        if (c === ' ' || c === '\t' || c === '\r') this.i++;
        else if (c === '\\' && s[this.i + 1] === '\n') this.i += 2;
        else if (c === '\\' && s[this.i + 1] === '\r' && s[this.i + 2] === '\n') this.i += 3;
        else break;
      }
      if (this.i >= s.length) return words.length ? { words, end: '\n', endAt: s.length } : null;
      const c = s[this.i];
      if (c === '#') {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
        continue;
      }
      if (c === '\n') {
        this.i++;
        if (words.length) return { words, end: '\n', endAt: this.i - 1 };
        continue;
      }
      if (c === ';') {
        this.i++;
        return { words, end: ';', endAt: this.i - 1 };
      }
      if (c === '&' && s[this.i + 1] === '&') {
        this.i += 2;
        return { words, end: '&&', endAt: this.i - 2 };
      }
      if (SPECIAL.has(c)) throw new ShellError(special(c, s[this.i + 1]), this.i);
      words.push(...this.word());
    }
  }

  /// The word at `i` (more than one when an unquoted `$VAR` splits).
  private word(): Word[] {
    const s = this.src;
    const out: Word[] = [];
    let w: Word = { text: '', at: [], quoted: false, start: this.i };
    const add = (ch: string, at: number) => {
      w.text += ch;
      w.at.push(at);
    };
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ';' || (c === '&' && s[this.i + 1] === '&')) break;
      if (SPECIAL.has(c)) throw new ShellError(special(c, s[this.i + 1]), this.i);
      if (c === '\\') {
        if (s[this.i + 1] === '\n') this.i += 2;
        else if (s[this.i + 1] === '\r' && s[this.i + 2] === '\n') this.i += 3;
        else if (this.i + 1 < s.length) {
          add(s[this.i + 1], this.i + 1);
          w.quoted = true;
          this.i += 2;
        } else this.i++;
      } else if (c === "'") {
        const end = s.indexOf("'", this.i + 1);
        if (end < 0) throw new ShellError("this ' is never closed", this.i, true);
        for (let k = this.i + 1; k < end; k++) add(s[k], k);
        w.quoted = true;
        this.i = end + 1;
      } else if (c === '"') {
        const open = this.i++;
        for (;;) {
          if (this.i >= s.length) throw new ShellError('this " is never closed', open, true);
          const d = s[this.i];
          if (d === '"') break;
          if (d === '\\' && '$`"\\\n'.includes(s[this.i + 1] ?? '')) {
            if (s[this.i + 1] !== '\n') add(s[this.i + 1], this.i + 1);
            this.i += 2;
          } else if (d === '$') {
            const v = this.expansion();
            for (const ch of v.value) add(ch, v.at);
          } else if (d === '`') throw new ShellError('nfplay does not run command substitutions (`...`)', this.i);
          else add(d, this.i++);
        }
        this.i++;
        w.quoted = true;
      } else if (c === '$') {
        // Unquoted: the value is split into words at white space.
        const v = this.expansion();
        const parts = v.value.split(/[ \t\n]+/);
        parts.forEach((p, k) => {
          if (k > 0 && (w.text || w.quoted)) {
            out.push(w);
            w = { text: '', at: [], quoted: false, start: v.at };
          }
          for (const ch of p) add(ch, v.at);
        });
      } else add(c, this.i++);
    }
    if (this.braceExpansion && !w.quoted && /\{[^{}\s]*(,|\.\.)[^{}\s]*\}/.test(w.text)) {
      const k = w.text.search(/\{[^{}\s]*(,|\.\.)[^{}\s]*\}/);
      throw new ShellError(`bash expands ${w.text.slice(k).replace(/\}.*/, '}')} into separate words (${bashExpand(w.text.slice(k))}): write it with spaces, { 22, 80 }, or quote it`, w.at[k]);
    }
    out.push(w);
    // An unquoted `$EMPTY` makes no word.
    return out.filter((x) => x.text || x.quoted);
  }

  /// `$NAME` or `${NAME}` at `i`: the script's own variable.
  private expansion(): { value: string; at: number } {
    const s = this.src;
    const at = this.i;
    const braced = s[at + 1] === '{';
    const m = NAME.exec(s.slice(at + (braced ? 2 : 1), at + 200));
    if (!m || (braced && s[at + 2 + m[0].length] !== '}')) {
      const what = s[at + 1] === '(' ? 'command substitutions ($(...))' : `the shell's parameters (${s.slice(at, at + 2)})`;
      throw new ShellError(`nfplay does not run ${what}: only variables this script sets`, at);
    }
    const value = this.vars.get(m[0]);
    if (value === undefined) throw new ShellError(`$${m[0]} is not set in this script`, at);
    this.i = at + m[0].length + (braced ? 3 : 1);
    return { value, at };
  }
}

/// What the shell does with an unquoted special character.
function special(c: string, next: string | undefined): string {
  const what = c === '|' ? (next === '|' ? '|| (run if the command fails)' : '| (a pipe)') : c === '&' ? '& (run in the background)' : c === '<' || c === '>' ? `${c} (a redirection)` : c === '`' ? '` (a command substitution)' : `${c} (a subshell)`;
  return `the shell reads ${what} here: quote the nft command, or escape it (\\${c})`;
}

/// `{22,80}` as bash would expand it, for the message.
function bashExpand(w: string): string {
  const m = /^\{([^{}]*)\}/.exec(w);
  if (!m) return w;
  const range = /^(-?\d+)\.\.(-?\d+)$/.exec(m[1]);
  if (range) return `${range[1]} … ${range[2]}`;
  return m[1].split(',').join(' ');
}

/// The nft commands of a shell script, in order, with the shell's errors.
export function readShellScript(src: string): ShellScript {
  const lx = new Lexer(src);
  const commands: ShellCommand[] = [];
  const diagnostics: NftDiagnostic[] = [];
  const pos = lineStarts(src);
  const report = (message: string, offset: number) => diagnostics.push({ ...where(pos, offset), message });
  let errexit = false;
  let andThen = false;
  // The last command failed here, before nft: a command after `&&` is skipped.
  let failed = false;
  for (;;) {
    let cmd: ReturnType<Lexer['command']>;
    try {
      cmd = lx.command();
    } catch (e) {
      if (!(e instanceof ShellError)) throw e;
      report(e.message, e.offset);
      if (e.fatal) break;
      // The shell never runs this line: go on at the next one.
      const nl = src.indexOf('\n', lx.i);
      lx.i = nl < 0 ? src.length : nl + 1;
      andThen = false;
      continue;
    }
    if (!cmd) break;
    const { words, end, endAt } = cmd;
    const prevAndThen = andThen;
    andThen = end === '&&';
    if (prevAndThen && failed) continue;
    failed = true;
    // `VAR=value` before the command name: assignments (kept only without a command, as the shell does).
    let k = 0;
    const assigned: [string, string][] = [];
    while (k < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(src.slice(words[k].start, words[k].start + 200))) {
      const eq = words[k].text.indexOf('=');
      assigned.push([words[k].text.slice(0, eq), words[k].text.slice(eq + 1)]);
      k++;
    }
    if (k === words.length) {
      for (const [n, v] of assigned) lx.vars.set(n, v);
      failed = false;
      continue;
    }
    let name = words[k];
    if (name.text === 'sudo' && !name.quoted) {
      k++;
      while (k < words.length && words[k].text.startsWith('-')) k++;
      if (k === words.length) {
        report('sudo needs a command', name.start);
        continue;
      }
      name = words[k];
    }
    if (name.text === 'set') {
      for (const w of words.slice(k + 1)) {
        if (/^-[a-zA-Z]*e/.test(w.text)) errexit = true;
        if (/^\+[a-zA-Z]*e/.test(w.text)) errexit = false;
      }
      const o = words.findIndex((w, j) => j > k && (w.text === '-o' || w.text === '+o'));
      if (o > 0 && words[o + 1]?.text === 'errexit') errexit = words[o].text === '-o';
      failed = false;
      continue;
    }
    if (name.text === 'exit') break;
    if (name.text !== 'nft' && !name.text.endsWith('/nft')) {
      report(`"${name.text}" is not an nft command: nfplay reads nft commands (and set -e, variables) from a shell script`, name.start);
      continue;
    }
    // nft's options, before its command.
    let check = false;
    let bad: string | null = null;
    let badAt = name.start;
    k++;
    for (; k < words.length && words[k].text.startsWith('-') && !/^-\d/.test(words[k].text); k++) {
      const w = words[k];
      if (w.text === '--') {
        k++;
        break;
      }
      const long = w.text.startsWith('--') ? w.text.slice(2) : null;
      const letters = long === null ? [...w.text.slice(1)] : [];
      if (long === 'check' || letters.includes('c')) check = true;
      if (long === 'file' || long?.startsWith('file=') || letters.includes('f')) bad = 'nfplay cannot read the file nft -f names: paste its content instead';
      else if (long === 'json' || letters.includes('j')) bad = 'nfplay reads nft commands, not JSON (nft -j)';
      else if (long === 'interactive' || letters.includes('i')) bad = 'nft -i reads commands from the terminal: paste them instead';
      else if (long === 'optimize' || letters.includes('o')) bad = 'nft -o rewrites the ruleset it loads: nfplay does not simulate that';
      else if (long === 'define' || long?.startsWith('define=') || letters.includes('D')) bad = 'nfplay does not read nft -D definitions: write the values into the commands';
      else if (long !== null ? !LONG_FLAGS.has(long) && !/^(debug|includepath)(=|$)/.test(long) : !letters.every((l) => FLAGS.has(l)))
        bad = `unknown nft option "${w.text}"`;
      // `-I DIR`, `-d LEVEL` (and their long forms without `=`) take the next word.
      if (!bad && (long === 'includepath' || long === 'debug' || (letters.length && 'Id'.includes(letters[letters.length - 1])))) k++;
      if (bad) {
        badAt = w.start;
        break;
      }
    }
    if (bad) {
      report(bad, badAt);
      if (errexit) break;
      continue;
    }
    const args = words.slice(k);
    if (!args.length) {
      report('nft needs a command here', name.start);
      if (errexit) break;
      continue;
    }
    const opt = args.find((w) => /^-[a-zA-Z]/.test(w.text) && !w.quoted);
    if (opt) {
      report('nft: options must be specified before commands', opt.start);
      if (errexit) break;
      continue;
    }
    // `comment "two words"`: the shell took nft's quotes away.
    const lost = args.findIndex((w, j) => j > 0 && w.quoted && /\s/.test(w.text) && !w.text.includes('"') && /(^|\s)comment$/.test(args[j - 1].text));
    if (lost > 0) {
      report(`the shell removes these quotes, so nft reads comment ${args[lost].text} and refuses it: write comment '"${args[lost].text}"'`, args[lost].start);
      if (errexit) break;
      continue;
    }
    // An unquoted `;` inside nft's braces: the shell ended the command there.
    if (end === ';' && braceDepth(args) > 0) {
      report('the shell ends the command at this ";" inside { }: quote the nft command, or write \\;', endAt);
      // A `}` starting the next command is a syntax error: the shell stops the script.
      if (/^[^\n]*?;\s*\}/.test(src.slice(endAt))) break;
      const nl = src.indexOf('\n', endAt);
      lx.i = nl < 0 ? src.length : nl + 1;
      andThen = false;
      if (errexit) break;
      continue;
    }
    let text = '';
    const at: number[] = [];
    args.forEach((w, j) => {
      if (j) {
        text += ' ';
        at.push(w.start);
      }
      text += w.text;
      at.push(...w.at);
    });
    commands.push({ text, at: Int32Array.from(at), check, errexit, andThen: prevAndThen });
    failed = false;
  }
  return { commands, diagnostics };
}

/// Unclosed `{` among unquoted words.
function braceDepth(words: readonly Word[]): number {
  let d = 0;
  for (const w of words) if (!w.quoted) for (const ch of w.text) d += ch === '{' ? 1 : ch === '}' ? -1 : 0;
  return d;
}

export function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/// Line and column (1-based) of an offset.
export function where(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}
