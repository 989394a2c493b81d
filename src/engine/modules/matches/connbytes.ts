// -m connbytes: the packets, bytes or average packet size a connection has carried so far, in one
// direction or both, the packet itself included (xt_connbytes over conntrack's accounting). `!` is stored
// as a reversed range, which the kernel reads as "outside": `! --connbytes 2:2` reverses nothing and means
// 2:2 (kernel-recorded, test/kernel/cases/modules-more/connbytes-*).
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { cUint, U64 } from '../c-number';
import type { Conn } from '../../model/conntrack';

const DIRS = ['original', 'reply', 'both'] as const;
const MODES = ['packets', 'bytes', 'avgpkt'] as const;

export interface ConnbytesOptions {
  /// Decimal strings: the bounds reach 2^64-1. `to` is 2^64-1 for an open range (`10000` or `10000:`).
  from: string;
  to: string;
  inv: boolean;
  dir: (typeof DIRS)[number];
  mode: (typeof MODES)[number];
}

const MAX = U64.toString();

function parseRange(v: string): { from: string; to: string } {
  const parts = v.split(':');
  if (parts.length > 2) throw new OptionError('connbytes: Too many components for option "--connbytes" (max: 2)');
  const one = (t: string, dflt: bigint) => {
    if (t === '') return dflt;
    const n = cUint(t, U64);
    if (n === null) throw new OptionError(`connbytes: bad value for option "--connbytes" near "${t}", or out of range (0-18446744073709551615).`);
    return n;
  };
  const from = one(parts[0], 0n), to = parts.length === 1 ? U64 : one(parts[1], U64);
  if (from > to) throw new OptionError(`${from} should be less than ${to}`);
  return { from: from.toString(), to: to.toString() };
}

function oneOf<T extends string>(list: readonly T[], v: string, what: string): T {
  if (!(list as readonly string[]).includes(v)) throw new OptionError(`Unknown --connbytes-${what} \`${v}'`);
  return v as T;
}

/// What the connection has counted in the option's direction (conntrack's, not the packet's): packets,
/// bytes, or bytes per packet rounded down (0 before any packet).
function counted(ct: Conn, o: ConnbytesOptions): bigint {
  const c = ct.counters ?? { packets: [0, 0], bytes: [0, 0] };
  const pick = (v: [number, number]) => BigInt(o.dir === 'original' ? v[0] : o.dir === 'reply' ? v[1] : v[0] + v[1]);
  const packets = pick(c.packets);
  if (o.mode === 'packets') return packets;
  if (o.mode === 'bytes') return pick(c.bytes);
  return packets ? pick(c.bytes) / packets : 0n;
}

export const connbytes: MatchModule<ConnbytesOptions> = {
  kind: 'match',
  name: 'connbytes',
  help: 'Match the packets, bytes or average packet size the connection has carried so far.',
  simulated: true,
  options: [
    { name: 'connbytes', invert: true, parse: ([v]) => parseRange(v), help: 'A count, from:to, or from: (to the end).' },
    { name: 'connbytes-dir', values: DIRS, parse: ([v]) => oneOf(DIRS, v, 'dir'), help: 'Count the original direction, the reply direction, or both.' },
    { name: 'connbytes-mode', values: MODES, parse: ([v]) => oneOf(MODES, v, 'mode'), help: 'Count packets, bytes, or the average packet size (avgpkt).' },
  ],
  finalize(p) {
    if (!p.connbytes) throw new OptionError('connbytes: option "--connbytes" must be specified');
    if (!p['connbytes-dir']) throw new OptionError('connbytes: option "--connbytes-dir" must be specified');
    if (!p['connbytes-mode']) throw new OptionError('connbytes: option "--connbytes-mode" must be specified');
    // The kernel cannot tell a reversed single value from a plain one (nor can iptables-save).
    const { from, to } = p.connbytes.value;
    return { from, to, inv: p.connbytes.inv && from !== to, dir: p['connbytes-dir'].value, mode: p['connbytes-mode'].value };
  },
  match(_pkt, o, ctx) {
    if (!ctx.ct) return false;
    const n = counted(ctx.ct, o);
    return (n >= BigInt(o.from) && n <= BigInt(o.to)) !== o.inv;
  },
  explain: (_pkt, o, ctx) => (ctx.ct ? `the connection counts ${counted(ctx.ct, o)} ${o.mode === 'avgpkt' ? 'bytes per packet' : o.mode} (${o.dir}), ${o.inv ? 'inside' : 'outside'} ${o.from}:${o.to === MAX ? '' : o.to}` : 'the packet has no connection'),
  // iptables prints an open range, and 0:0, by its start alone.
  save: (o) => `${o.inv ? '! ' : ''}--connbytes ${range(o)} --connbytes-mode ${o.mode} --connbytes-dir ${o.dir}`,
  list: (o) => `${o.inv ? '! ' : ''}connbytes ${range(o)} connbytes mode ${o.mode} connbytes direction ${o.dir}`,
  xlate(o) {
    const what = `ct ${o.dir === 'both' ? '' : `${o.dir} `}${o.mode}`;
    if (o.to === MAX) return { nft: `${what} ${o.inv ? 'lt' : 'ge'} ${o.from}` };
    return { nft: `${what} ${o.inv ? '!= ' : ''}${o.from === o.to ? o.from : `${o.from}-${o.to}`}` };
  },
};

function range(o: ConnbytesOptions): string {
  return o.to === MAX || o.to === '0' ? o.from : `${o.from}:${o.to}`;
}
