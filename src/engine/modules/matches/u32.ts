// -m u32: tests on 32-bit words read at offsets of the packet (libxt_u32). Simulated on the packet's bytes
// as nfplay can build them: the IPv4 header, the TCP/UDP/ICMP/SCTP header, the payload. Fields the model does
// not carry (checksums, TCP sequence numbers and window, IP options) read as zero.
import type { MatchModule } from '../types';
import type { Packet } from '../../model/packet';
import { OptionError } from '../types';

type Op = '&' | '<<' | '>>' | '@';

interface Test {
  /// The first number, then operator/number pairs.
  start: number;
  steps: { op: Op; n: number }[];
  values: { min: number; max: number }[];
}

export interface U32Options {
  tests: Test[];
  inv: boolean;
}

/// The kernel's limit on tests, on numbers in a location and on values.
const MAX = 10;

/// The expression as libxt_u32 reads it: `location=value[,value...]` joined by `&&`; a location is a number
/// followed by `&`, `<<`, `>>` or `@` and a number; a value is a number or min:max. Numbers as C reads them
/// (0x hex, leading 0 octal), at most 32 bits. Spaces are allowed between the parts.
function parseU32(text: string): Test[] {
  const err = (msg: string) => new OptionError(`u32: ${msg}`);
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const number = (): number => {
    const at = i;
    skip();
    const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(text.slice(i));
    const n = !m ? NaN : /^0[xX]/.test(m[1]) ? parseInt(m[1].slice(2), 16) : m[1][0] === '0' ? parseInt(m[1], 8) : Number(m[1]);
    if (!m || n > 0xffffffff) throw err(`at char ${at}: not a number or out of range`);
    i += m[1].length;
    return n;
  };
  const tests: Test[] = [];
  let test: Test | null = null;
  let inValues = false;
  for (;;) {
    skip();
    if (i >= text.length) {
      if (!inValues) throw err('abrupt end of input after location specifier');
      if (test!.values.length === 0) throw err('test ended with no value specified');
      if (tests.length > MAX) throw err(`at char ${i}: too many "&&"s`);
      return tests;
    }
    if (!inValues) {
      if (text[i] === '=') {
        if (!test) throw err(`at char ${i}: location spec missing`);
        i++;
        inValues = true;
        continue;
      }
      if (!test) {
        test = { start: number(), steps: [], values: [] };
        tests.push(test);
        continue;
      }
      let op: Op;
      if (text[i] === '&' || text[i] === '@') op = text[i] as Op;
      else if (text[i] === '<' || text[i] === '>') {
        if (text[i + 1] !== text[i]) throw err(`at char ${i + 1}: a second '${text[i]}' was expected`);
        op = text[i] === '<' ? '<<' : '>>';
        i++;
      } else throw err(`at char ${i}: operator expected`);
      i++;
      test.steps.push({ op, n: number() });
      if (test.steps.length + 1 > MAX) throw err(`at char ${i}: too many operators`);
      continue;
    }
    if (text[i] === '&') {
      if (text[i + 1] !== '&') throw err(`at char ${i + 1}: a second '&' was expected`);
      if (test!.values.length === 0) throw err(`at char ${i + 1}: value spec missing`);
      if (tests.length > MAX) throw err(`at char ${i + 1}: too many "&&"s`);
      i += 2;
      test = null;
      inValues = false;
      continue;
    }
    if (test!.values.length > 0) {
      if (text[i] !== ',') throw err(`at char ${i}: expected "," or "&&"`);
      i++;
    }
    const min = number();
    skip();
    let max = min;
    if (text[i] === ':') {
      i++;
      max = number();
    }
    test!.values.push({ min, max });
    if (test!.values.length > MAX) throw err(`at char ${i}: too many ","s`);
  }
}

const hex = (n: number) => '0x' + n.toString(16);

/// As iptables prints it back: every number in hex, no spaces.
function format(tests: Test[]): string {
  return tests
    .map((t) => hex(t.start) + t.steps.map((s) => s.op + hex(s.n)).join('') + '=' + t.values.map((v) => (v.min === v.max ? hex(v.min) : `${hex(v.min)}:${hex(v.max)}`)).join(','))
    .join('&&');
}

/// The packet as bytes from the start of its IPv4 header, padded with zeros to its total length.
export function packetBytes(pkt: Packet): Uint8Array {
  const l4: number[] = [];
  const be16 = (n: number) => [(n >>> 8) & 0xff, n & 0xff];
  const be32 = (n: number) => [...be16(n >>> 16), ...be16(n & 0xffff)];
  if (pkt.fragOffset === 0) {
    if (pkt.proto === 6) l4.push(...be16(pkt.sport), ...be16(pkt.dport), ...be32(0), ...be32(0), 0x50, pkt.flags & 0xff, 0, 0, 0, 0, 0, 0);
    else if (pkt.proto === 17 || pkt.proto === 136) l4.push(...be16(pkt.sport), ...be16(pkt.dport), ...be16(8 + pkt.payload.length), 0, 0);
    else if (pkt.proto === 1) l4.push(pkt.icmpType, pkt.icmpCode, 0, 0, ...be16(pkt.icmpId), 0, 0);
    else if (pkt.proto === 132) l4.push(...be16(pkt.sport), ...be16(pkt.dport), ...be32(0), ...be32(0));
  }
  const frag = (pkt.moreFragments ? 0x2000 : 0) | (pkt.fragOffset & 0x1fff);
  const ip = [0x45, pkt.tos, ...be16(pkt.length), ...be16(pkt.id), ...be16(frag), pkt.ttl, pkt.proto, 0, 0, ...be32(pkt.src), ...be32(pkt.dst)];
  const body = [...ip, ...l4, ...[...pkt.payload].map((c) => c.charCodeAt(0) & 0xff)];
  const out = new Uint8Array(Math.max(body.length, pkt.length));
  out.set(body);
  return out;
}

/// One test as the kernel runs it: false when a read falls outside the packet.
function runTest(bytes: Uint8Array, t: Test): boolean {
  const word = (at: number) => (at < 0 || at + 4 > bytes.length ? null : ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0);
  let base = 0;
  let v = word(t.start);
  if (v === null) return false;
  for (const s of t.steps) {
    if (s.op === '&') v = (v & s.n) >>> 0;
    else if (s.op === '<<') v = s.n >= 32 ? 0 : (v << s.n) >>> 0;
    else if (s.op === '>>') v = s.n >= 32 ? 0 : v >>> s.n;
    else {
      base = (base + v) >>> 0;
      const w = word(base + s.n);
      if (w === null) return false;
      v = w;
    }
  }
  return t.values.some((r) => v! >= r.min && v! <= r.max);
}

export const u32: MatchModule<U32Options> = {
  kind: 'match',
  name: 'u32',
  help: 'Match 32-bit words read at offsets of the packet, masked and shifted: "0>>22&0x3C@12>>26&0x3F=0x10".',
  simulated: true,
  options: [{ name: 'u32', invert: true, help: 'The u32 test expression.', parse: ([v]) => parseU32(v) }],
  finalize(p) {
    if (!p.u32) throw new OptionError('u32: option "--u32" must be specified');
    return { tests: p.u32.value, inv: p.u32.inv };
  },
  match(pkt, o) {
    const bytes = packetBytes(pkt);
    return o.tests.every((t) => runTest(bytes, t)) !== o.inv;
  },
  explain(pkt, o) {
    const bytes = packetBytes(pkt);
    const i = o.tests.findIndex((t) => !runTest(bytes, t));
    if (o.inv || i < 0) return `every test of "${format(o.tests)}" holds, and the match is negated`;
    return `test ${i + 1}, "${format([o.tests[i]])}", does not hold (nfplay reads checksums and TCP sequence numbers as 0)`;
  },
  save: (o) => `${o.inv ? '! ' : ''}--u32 "${format(o.tests)}"`,
  list: (o) => `u32 ${o.inv ? '! ' : ''}"${format(o.tests)}"`,
  xlate: () => ({ untranslatable: 'nftables has no u32 match (raw payload expressions need rewriting by hand)' }),
};
