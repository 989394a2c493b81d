// -m string: a byte pattern in the packet between --from and --to (libxt_string). Both algorithms find
// the same matches, so one substring search serves bm and kmp. Simulated on the scenario's payload text.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { parseUint } from '../values';
import { quote } from './comment';

export interface StringOptions {
  pattern: string;
  inv: boolean;
  algo: 'bm' | 'kmp';
  from: number;
  to: number;
  icase: boolean;
}

/// `|41 42|c` → "ABc": hex bytes between bars, the rest as written.
function parseHex(text: string): string {
  let out = '';
  const parts = text.split('|');
  if (parts.length % 2 === 0) throw new OptionError('Invalid hex-string: unbalanced |');
  parts.forEach((p, i) => {
    if (i % 2 === 0) out += p;
    else for (const b of p.trim().split(/\s+/).filter(Boolean)) {
      if (!/^[0-9a-fA-F]{2}$/.test(b)) throw new OptionError(`Invalid hex char \`${b}'`);
      out += String.fromCharCode(parseInt(b, 16));
    }
  });
  return out;
}

/// iptables-save prints a printable pattern as --string, anything else as --hex-string.
function printable(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s) && !s.includes('|');
}

function hexString(s: string): string {
  return '|' + [...s].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('') + '|';
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
    { name: 'from', parse: ([v]) => parseUint(v, 65535, 'offset'), help: 'Offset to start searching at.' },
    { name: 'to', parse: ([v]) => parseUint(v, 65535, 'offset'), help: 'Offset to stop searching at.' },
    { name: 'icase', args: 0, help: 'Ignore case (kmp only in the kernel).' },
  ],
  finalize(p) {
    const s = p.string ?? p['hex-string'];
    if (!s) throw new OptionError('STRING match: You must specify `--string\' or `--hex-string\'');
    if (!p.algo) throw new OptionError('STRING match: You must specify `--algo\'');
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
  explain: (_pkt, o) => `the payload ${o.inv ? 'contains' : 'does not contain'} ${printable(o.pattern) ? quote(o.pattern) : hexString(o.pattern)}`,
  save(o) {
    const out = [`${o.inv ? '! ' : ''}${printable(o.pattern) ? `--string ${quote(o.pattern)}` : `--hex-string "${hexString(o.pattern)}"`}`, `--algo ${o.algo}`];
    if (o.from) out.push(`--from ${o.from}`);
    if (o.to !== 65535) out.push(`--to ${o.to}`);
    if (o.icase) out.push('--icase');
    return out.join(' ');
  },
  list(o) {
    const pat = printable(o.pattern) ? quote(o.pattern) : `"${hexString(o.pattern)}"`;
    const out = [`STRING match ${o.inv ? '!' : ''} ${pat}`, `ALGO name ${o.algo}`];
    if (o.from) out.push(`FROM ${o.from}`);
    if (o.to !== 65535) out.push(`TO ${o.to}`);
    if (o.icase) out.push('ICASE');
    return out.join(' ');
  },
  xlate: () => ({ untranslatable: 'nftables has no string match' }),
};
