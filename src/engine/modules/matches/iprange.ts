// -m iprange: source or destination in an address range a.b.c.d-e.f.g.h (libxt_iprange).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { formatIPv4, parseIPv4 } from '../../model/addr';
import { not } from '../values';

interface AddrRange {
  min: number;
  max: number;
}

export interface IprangeOptions {
  src: AddrRange | null;
  srcInv: boolean;
  dst: AddrRange | null;
  dstInv: boolean;
}

/// iptables pads a short address with zeros: 10.1 is 10.1.0.0.
function address(text: string): number | null {
  const parts = text.split('.');
  if (parts.length > 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
  return parseIPv4([...parts, '0', '0', '0'].slice(0, 4).join('.'));
}

/// `a-b`, or one address (a range of one). iptables names the part it could not read.
function parseRange(text: string, option: string): AddrRange {
  const i = text.indexOf('-');
  const [a, b] = i < 0 ? [text, null] : [text.slice(0, i), text.slice(i + 1)];
  const bad = (part: string) => new OptionError(`iprange: Bad value for "--${option}" option: "${part}"`);
  const min = address(a);
  if (min === null) throw bad(a);
  if (b === null) return { min, max: min };
  const max = address(b);
  if (max === null) throw bad(b);
  return { min, max };
}

const fmt = (r: AddrRange) => `${formatIPv4(r.min)}-${formatIPv4(r.max)}`;
const within = (a: number, r: AddrRange) => a >= r.min && a <= r.max;

export const iprange: MatchModule<IprangeOptions> = {
  kind: 'match',
  name: 'iprange',
  help: 'Match source or destination addresses within a range first-last.',
  simulated: true,
  options: [
    { name: 'src-range', invert: true, parse: ([v]) => parseRange(v, 'src-range'), help: 'Source in from-to (10.0.0.1-10.0.0.9).' },
    { name: 'dst-range', invert: true, parse: ([v]) => parseRange(v, 'dst-range'), help: 'Destination in from-to (10.0.0.1-10.0.0.9).' },
  ],
  finalize(p) {
    if (!p['src-range'] && !p['dst-range']) throw new OptionError('iprange match: You must specify `--src-range\' or `--dst-range\'');
    return {
      src: p['src-range']?.value ?? null, srcInv: p['src-range']?.inv ?? false,
      dst: p['dst-range']?.value ?? null, dstInv: p['dst-range']?.inv ?? false,
    };
  },
  match: (pkt, o) => (!o.src || within(pkt.src, o.src) !== o.srcInv) && (!o.dst || within(pkt.dst, o.dst) !== o.dstInv),
  explain(pkt, o) {
    if (o.src && within(pkt.src, o.src) === o.srcInv) return `source ${formatIPv4(pkt.src)} is ${o.srcInv ? '' : 'not '}in ${fmt(o.src)}`;
    return `destination ${formatIPv4(pkt.dst)} is ${o.dstInv ? '' : 'not '}in ${fmt(o.dst!)}`;
  },
  space(o) {
    const parts: Space[] = [];
    for (const [field, r, inv] of [['src', o.src, o.srcInv], ['dst', o.dst, o.dstInv]] as const) {
      if (!r) continue;
      const s: Space = { field, ranges: [r] };
      parts.push(inv ? { not: s } : s);
    }
    return { all: parts };
  },
  save(o) {
    const out: string[] = [];
    if (o.src) out.push(`${not(o.srcInv)}--src-range ${fmt(o.src)}`);
    if (o.dst) out.push(`${not(o.dstInv)}--dst-range ${fmt(o.dst)}`);
    return out.join(' ');
  },
  list(o) {
    const out: string[] = [];
    if (o.src) out.push(`source IP range ${not(o.srcInv)}${fmt(o.src)}`);
    if (o.dst) out.push(`destination IP range ${not(o.dstInv)}${fmt(o.dst)}`);
    return out.join(' ');
  },
  xlate(o) {
    const out: string[] = [];
    if (o.src) out.push(`ip saddr ${o.srcInv ? '!= ' : ''}${fmt(o.src)}`);
    if (o.dst) out.push(`ip daddr ${o.dstInv ? '!= ' : ''}${fmt(o.dst)}`);
    return { nft: out.join(' ') };
  },
};
