// Boxes in an operator's words, and concrete packets picked from them.
import { formatIPv4 } from '../model/addr';
import { protocolName } from '../modules/protocols';
import { CT_STATES, D, type Algebra, type Box } from './box';
import type { Cubes } from './cubes';
import type { IfaceAtoms } from './ifaces';
import type { Ivals } from './ivals';

/// An address interval as CIDR blocks when it is a few of them, else first-last.
export function formatAddrs(s: Ivals): string {
  const parts: string[] = [];
  for (let i = 0; i < s.length; i += 2) {
    const blocks = cidrBlocks(s[i], s[i + 1]);
    parts.push(...(blocks.length <= 2 ? blocks : [`${formatIPv4(s[i])}-${formatIPv4(s[i + 1])}`]));
  }
  return parts.length > 4 ? `${parts.slice(0, 4).join(',')},…` : parts.join(',');
}

function cidrBlocks(lo: number, hi: number): string[] {
  const out: string[] = [];
  while (lo <= hi && out.length < 3) {
    let size = 1;
    while (size < 2 ** 32 && lo % (size * 2) === 0 && lo + size * 2 - 1 <= hi) size *= 2;
    const prefix = 32 - Math.log2(size);
    out.push(prefix === 32 ? formatIPv4(lo) : `${formatIPv4(lo)}/${prefix}`);
    lo += size;
  }
  return lo <= hi ? [...out, '…'] : out;
}

export function formatRanges(s: Ivals): string {
  const parts: string[] = [];
  for (let i = 0; i < s.length; i += 2) parts.push(s[i] === s[i + 1] ? String(s[i]) : `${s[i]}:${s[i + 1]}`);
  return parts.length > 6 ? `${parts.slice(0, 6).join(',')},…` : parts.join(',');
}

/// `base`: what every packet in question has anyway (the query); fields equal to it go unsaid.
export function describeBox(alg: Algebra, ifaces: IfaceAtoms, b: Box, base?: Box): string {
  const out: string[] = [];
  const has = (d: number) => !alg.isFull(b, d) && !(base?.[d] !== undefined && JSON.stringify(base[d]) === JSON.stringify(b[d]));
  const iv = (d: number) => alg.get(b, d) as Ivals;
  if (has(D.proto)) {
    const p = iv(D.proto);
    out.push(p.length === 2 && p[0] === p[1] ? (protocolName(p[0]) ?? String(p[0])) : `protocol ${formatRanges(p)}`);
  }
  if (has(D.icmp)) out.push(`type ${formatRanges(iv(D.icmp).map((v) => v >> 8))}`);
  if (has(D.src)) out.push(`from ${formatAddrs(iv(D.src))}`);
  if (has(D.sport)) out.push(`sport ${formatRanges(iv(D.sport))}`);
  if (has(D.dst)) out.push(`to ${formatAddrs(iv(D.dst))}`);
  if (has(D.dport)) out.push(`dport ${formatRanges(iv(D.dport))}`);
  const names = (d: number) => {
    const s = iv(d);
    const ns: string[] = [];
    for (let i = 0; i < s.length; i += 2) for (let k = s[i]; k <= s[i + 1]; k++) ns.push(ifaces.name(k) || '(none)');
    return ns.join(',');
  };
  if (has(D.iif)) out.push(`in ${names(D.iif)}`);
  if (has(D.oif)) out.push(`out ${names(D.oif)}`);
  if (has(D.ctstate)) {
    const s = iv(D.ctstate);
    const st: string[] = [];
    for (let i = 0; i < s.length; i += 2) for (let k = s[i]; k <= s[i + 1]; k++) st.push(CT_STATES[k]);
    out.push(`state ${st.join(',')}`);
  }
  if (has(D.mark)) out.push(`mark ${(alg.get(b, D.mark) as Cubes).map((c) => `0x${c.v.toString(16)}/0x${c.m.toString(16)}`).join(',')}`);
  if (has(D.fragment)) out.push(iv(D.fragment)[0] === 1 ? 'later fragments' : 'unfragmented');
  return out.length ? out.join(' ') : 'every packet';
}

/// The value of the set nearest to `want`: examples read better with usual ports and addresses. With
/// `host`, a value outside the wanted one is the second of its interval (10.0.0.1 rather than 10.0.0.0).
export function pick(s: Ivals, want: number, host = false): number {
  if (host) {
    for (let i = 0; i < s.length; i += 2) if (want >= s[i] && want <= s[i + 1]) return want;
    return s[1] - s[0] >= 2 ? s[0] + 1 : s[0];
  }
  let best = s[0];
  let dist = Infinity;
  for (let i = 0; i < s.length; i += 2) {
    const v = Math.min(Math.max(want, s[i]), s[i + 1]);
    if (Math.abs(v - want) < dist) {
      dist = Math.abs(v - want);
      best = v;
    }
  }
  return best;
}

export interface Sample {
  src: number;
  dst: number;
  proto: number;
  sport: number;
  dport: number;
  iif: string;
  oif: string;
  state: (typeof CT_STATES)[number];
  icmpType: number;
  icmpCode: number;
  fragment: boolean;
  length: number;
  ttl: number;
  mark: number;
  flags: number;
  tos: number;
}

/// A packet inside the box, close to `prefer` where the box allows.
export function sample(alg: Algebra, ifaces: IfaceAtoms, b: Box, prefer: Partial<Sample & { iifAtom: number; oifAtom: number }> = {}): Sample {
  const iv = (d: number) => alg.get(b, d) as Ivals;
  const cube = (d: number) => (alg.get(b, d) as Cubes)[0];
  const icmp = pick(iv(D.icmp), ((prefer.icmpType ?? 8) << 8) | (prefer.icmpCode ?? 0));
  const flags = cube(D.tcpflags);
  const flagVal = (((prefer.flags ?? 0x02) & ~flags.m) | flags.v) & 0xff;
  return {
    src: pick(iv(D.src), prefer.src ?? 0xc6336407, true), // 198.51.100.7
    dst: pick(iv(D.dst), prefer.dst ?? 0xcb00710a, true), // 203.0.113.10
    proto: pick(iv(D.proto), prefer.proto ?? 6),
    sport: pick(iv(D.sport), prefer.sport ?? 40000),
    dport: pick(iv(D.dport), prefer.dport ?? 80),
    iif: ifaces.name(pick(iv(D.iif), prefer.iifAtom ?? ifaces.atom('eth0'))),
    oif: ifaces.name(pick(iv(D.oif), prefer.oifAtom ?? ifaces.atom(''))),
    state: CT_STATES[pick(iv(D.ctstate), 1)],
    icmpType: icmp >> 8,
    icmpCode: icmp & 255,
    fragment: pick(iv(D.fragment), 0) === 1,
    length: pick(iv(D.length), prefer.length ?? 60),
    ttl: pick(iv(D.ttl), 64),
    mark: cube(D.mark).v,
    flags: flagVal,
    tos: cube(D.tos).v,
  };
}
