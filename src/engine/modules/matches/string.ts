// -m string: a byte pattern in the packet between --from and --to (libxt_string). Both algorithms find
// the same matches, so one substring search serves bm and kmp. Simulated on the scenario's payload text.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
function offset(name: string, v: string): number {
  if (!/^(0[xX][0-9a-fA-F]+|\d+)$/.test(v) || Number(v) > 65535) throw new OptionError(`string: bad value for option "--${name}", or out of range (0-65535).`);
  return Number(v);
}

export interface StringOptions {
  pattern: string;
  inv: boolean;
  algo: 'bm' | 'kmp';
  from: number;
  to: number;
  icase: boolean;
}

/// `|41 42|c` → "ABc": hex bytes between bars (spaces between them allowed), `\` takes the next
/// character literally outside them, the rest as written. iptables' own messages for bad blocks.
function parseHex(text: string): string {
  let out = '';
  let hex = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '|') {
      hex = !hex;
      i++;
      continue;
    }
    if (hex) {
      if (c === ' ') {
        i++;
        continue;
      }
      if (c === '\\') throw new OptionError('Cannot include literals in hex data');
      if (i + 1 >= text.length) throw new OptionError('Odd number of hex digits');
      if (i + 2 >= text.length) throw new OptionError('Invalid hex block');
      for (const d of [text[i], text[i + 1]]) if (!/[0-9a-fA-F]/.test(d)) throw new OptionError(`Invalid hex char '${d}'`);
      out += String.fromCharCode(parseInt(text.slice(i, i + 2), 16));
      i += 2;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new OptionError('Bad literal placement at end of string');
      out += text[i + 1];
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  if (out === '') throw new OptionError('STRING must contain at least one char');
  return out;
}

/// iptables-save prints a pattern as --hex-string when a byte is not printable or the last is `\`.
function printable(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s) && !s.endsWith('\\');
}

function hexString(s: string): string {
  return '|' + [...s].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('') + '|';
}

/// The pattern as iptables-save and iptables -L print it: in double quotes, `"` and `\` escaped.
function shown(s: string): string {
  return printable(s) ? `"${s.replace(/["\\]/g, (c) => '\\' + c)}"` : `"${hexString(s)}"`;
}

/// The IP and transport headers come first: --from counts from the start of the IP header.
const HEADERS: Record<number, number> = { 6: 40, 17: 28, 1: 28 };

export const string: MatchModule<StringOptions> = {
  kind: 'match',
  name: 'string',
  help: 'Match a string (or hex bytes) in the packet, searched with --algo bm or kmp between --from and --to.',
  simulated: true,
  options: [
    { name: 'string', invert: true, help: 'The text to find.' },
    { name: 'hex-string', invert: true, parse: ([v]) => parseHex(v), help: 'Bytes to find, hex between bars: |0d 0a|.' },
    { name: 'algo', values: ['bm', 'kmp'], help: 'Search algorithm: bm or kmp.', parse: ([v]) => {
      if (v !== 'bm' && v !== 'kmp') throw new OptionError(`STRING: unknown algorithm "${v}"`);
      return v;
    } },
    { name: 'from', parse: ([v]) => offset('from', v), help: 'Offset to start searching at.' },
    { name: 'to', parse: ([v]) => offset('to', v), help: 'Offset to stop searching at.' },
    { name: 'icase', args: 0, help: 'Ignore case (kmp only in the kernel).' },
  ],
  finalize(p) {
    const s = p.string ?? p['hex-string'];
    if (!p.algo) throw new OptionError('string: option "--algo" must be specified');
    if (!s) throw new OptionError('STRING match: You must specify `--string\' or `--hex-string\'');
    if (String(s.value) === '') throw new OptionError('an empty pattern: the kernel refuses the rule (Invalid argument)');
    const from = p.from?.value ?? 0, to = p.to?.value ?? 65535;
    if (from > to) throw new OptionError(`--from ${from} is past --to ${to}: the kernel refuses the rule (Invalid argument)`);
    return { pattern: String(s.value), inv: s.inv, algo: p.algo.value, from: p.from?.value ?? 0, to: p.to?.value ?? 65535, icase: !!p.icase };
  },
  match(pkt, o) {
    // The packet as bytes: headers (zeros here) then the payload.
    const head = HEADERS[pkt.proto] ?? 20;
    const text = '\0'.repeat(head) + pkt.payload;
    const window = text.slice(o.from, o.to);
    const hit = o.icase ? window.toLowerCase().includes(o.pattern.toLowerCase()) : window.includes(o.pattern);
    return hit !== o.inv;
  },
  explain: (_pkt, o) => `bytes ${o.from}-${o.to} of the packet ${o.inv ? 'contain' : 'do not contain'} ${shown(o.pattern)}`,
  save(o) {
    const out = [`${o.inv ? '! ' : ''}--${printable(o.pattern) ? 'string' : 'hex-string'} ${shown(o.pattern)}`, `--algo ${o.algo}`];
    if (o.from) out.push(`--from ${o.from}`);
    if (o.to !== 65535) out.push(`--to ${o.to}`);
    if (o.icase) out.push('--icase');
    return out.join(' ');
  },
  list(o) {
    const out = [`STRING match ${o.inv ? '!' : ''} ${shown(o.pattern)}`, `ALGO name ${o.algo}`];
    if (o.from) out.push(`FROM ${o.from}`);
    if (o.to !== 65535) out.push(`TO ${o.to}`);
    if (o.icase) out.push('ICASE');
    return out.join(' ');
  },
  xlate: () => ({ untranslatable: 'nftables has no string match' }),
};
