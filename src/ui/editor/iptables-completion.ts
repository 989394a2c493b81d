// Completion and hover for iptables rules, from the engine's module registry (the single source of
// truth: a module's options, their help and their values are data there). Context comes from the words
// before the cursor on the same line: `-m ` offers matches, `-j ` targets and chains, `--` the options of
// the modules the rule has loaded, and after an option with known values, those values.
import type { Completion, CompletionContext, CompletionResult, CompletionSource } from '@codemirror/autocomplete';
import { hoverTooltip, type Tooltip } from '@codemirror/view';
import type { ModuleInfo, Vocabulary } from '../../worker/client';

export interface CompletionData {
  vocabulary: () => Vocabulary | null;
  chains: () => string[];
}

const HEADER: [string, string][] = [
  ['-s', 'source address[/mask]'], ['-d', 'destination address[/mask]'], ['-i', 'input interface (PREROUTING, INPUT, FORWARD)'],
  ['-o', 'output interface (FORWARD, OUTPUT, POSTROUTING)'], ['-p', 'protocol: tcp, udp, icmp, all or a number'],
  ['-m', 'load a match module'], ['-j', 'jump to a target or a chain'], ['-g', 'go to a chain (no return to this one)'],
  ['-f', 'second and later fragments only'],
];
const COMMANDS = new Set(['-A', '-I', '-D', '-R', '-N', '-P', '-F', '-X', '-Z', '-E', '-S', '-L', '--append', '--insert', '--delete', '--replace', '--new-chain', '--policy', '--flush', '--delete-chain', '--zero', '--list-rules', '--list']);
const BUILTIN_CHAINS = ['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING'];
const VERDICTS = ['ACCEPT', 'DROP', 'RETURN'];
const PROTOCOLS = ['tcp', 'udp', 'icmp', 'all', 'sctp', 'udplite', 'esp', 'ah', 'gre'];
const TABLES = ['filter', 'nat', 'mangle', 'raw', 'security'];

/// The modules a rule has loaded so far: `-m name`, `-p proto` (its implicit match) and `-j TARGET`.
function loaded(words: string[], v: Vocabulary): ModuleInfo[] {
  const out: ModuleInfo[] = [];
  words.forEach((w, i) => {
    const next = words[i + 1];
    if (!next) return;
    if (w === '-m' || w === '--match' || w === '-p' || w === '--protocol') {
      const m = v.matches.find((x) => x.name === next.toLowerCase());
      if (m) out.push(m);
    } else if (w === '-j' || w === '--jump') {
      const t = v.targets.find((x) => x.name === next);
      if (t) out.push(t);
    }
  });
  return out;
}

const word = (label: string, type: string, detail?: string, info?: string): Completion => ({ label, type, detail, info });

export function iptablesCompletion(data: CompletionData): CompletionSource {
  return (ctx: CompletionContext): CompletionResult | null => {
    const token = ctx.matchBefore(/[^\s]*/);
    if (!token || (token.from === token.to && !ctx.explicit && !/\s$/.test(ctx.state.sliceDoc(Math.max(0, ctx.pos - 1), ctx.pos)))) return null;
    const line = ctx.state.doc.lineAt(ctx.pos);
    const before = ctx.state.sliceDoc(line.from, token.from);
    if (/^\s*#/.test(before + token.text)) return null;
    const words = before.trim().split(/\s+/).filter(Boolean);
    const prev = words[words.length - 1] ?? '';
    const v = data.vocabulary();
    const chains = () => [...new Set([...BUILTIN_CHAINS, ...data.chains()])];
    let options: Completion[] = [];
    let from = token.from;

    if (prev === '-m' || prev === '--match') options = (v?.matches ?? []).map((m) => word(m.name, 'namespace', 'match', m.help));
    else if (prev === '-j' || prev === '--jump' || prev === '-g' || prev === '--goto')
      options = [...VERDICTS.map((x) => word(x, 'keyword', 'verdict')), ...(v?.targets ?? []).map((t) => word(t.name, 'class', 'target', t.help)),
        ...data.chains().filter((c) => !BUILTIN_CHAINS.includes(c)).map((c) => word(c, 'variable', 'chain'))];
    else if (COMMANDS.has(prev) || /^:/.test(token.text)) options = chains().map((c) => word(c, 'variable', 'chain'));
    else if (words.length >= 2 && (words[words.length - 2] === '-P' || words[words.length - 2] === '--policy')) options = ['ACCEPT', 'DROP'].map((x) => word(x, 'keyword', 'policy'));
    else if (prev === '-t' || prev === '--table') options = TABLES.map((t) => word(t, 'namespace', 'table'));
    else if (prev === '-p' || prev === '--protocol') options = PROTOCOLS.map((p) => word(p, 'constant', 'protocol'));
    else if (token.text.startsWith('-')) {
      const mods = v ? loaded(words, v) : [];
      options = [
        ...HEADER.map(([o, help]) => word(o, 'property', undefined, help)),
        ...mods.flatMap((m) => m.options.map((o) => word(`--${o.name}`, 'property', m.name, o.help))),
      ];
    } else if (prev.startsWith('--') && v) {
      // A value: the option's own list; for comma lists (ESTABLISHED,RELATED) complete the last item.
      const spec = loaded(words, v).flatMap((m) => m.options).find((o) => `--${o.name}` === prev || o.aliases.some((a) => `--${a}` === prev));
      if (spec?.values.length) {
        from = token.from + token.text.lastIndexOf(',') + 1;
        options = spec.values.map((x) => word(x, 'constant', spec.name));
      }
    }
    return options.length ? { from, options, validFor: /^[^\s,]*$/ } : null;
  };
}

/// Hover on an option, a match name or a target: its help from the registry.
export function iptablesHover(data: CompletionData) {
  return hoverTooltip((view, pos): Tooltip | null => {
    const v = data.vocabulary();
    if (!v) return null;
    const line = view.state.doc.lineAt(pos);
    const text = line.text;
    let start = pos - line.from;
    let end = start;
    while (start > 0 && !/\s/.test(text[start - 1])) start--;
    while (end < text.length && !/\s/.test(text[end])) end++;
    const w = text.slice(start, end);
    if (!w) return null;
    const words = text.slice(0, start).trim().split(/\s+/);
    const prev = words[words.length - 1];
    let title = '';
    let help = '';
    if (w.startsWith('--')) {
      const hit = loaded([...words, w], v).flatMap((m) => m.options.map((o) => ({ m, o }))).find(({ o }) => `--${o.name}` === w || o.aliases.some((a) => `--${a}` === w));
      if (hit) [title, help] = [`${w} (${hit.m.name})`, hit.o.help];
    } else if (prev === '-m' || prev === '--match') {
      const m = v.matches.find((x) => x.name === w.toLowerCase());
      if (m) [title, help] = [`-m ${m.name}`, m.help];
    } else if (prev === '-j' || prev === '--jump') {
      const t = v.targets.find((x) => x.name === w);
      if (t) [title, help] = [`-j ${t.name}`, t.help];
    } else {
      const h = HEADER.find(([o]) => o === w);
      if (h) [title, help] = h;
    }
    if (!help) return null;
    return {
      pos: line.from + start, end: line.from + end, above: true,
      create: () => {
        const dom = document.createElement('div');
        dom.className = 'cm-nf-hover';
        const b = dom.appendChild(document.createElement('strong'));
        b.textContent = title;
        dom.appendChild(document.createElement('div')).textContent = help;
        return { dom };
      },
    };
  });
}
