// -m connbytes: the packets, bytes or average packet size a connection has carried so far, in one
// direction or both (xt_connbytes). `!` is stored as a reversed range, which the kernel reads as "outside".
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { cUint, U64 } from '../c-number';

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

/// What the connection has counted: the model keeps no counters, so only the packet itself.
function counted(pktLen: number, o: ConnbytesOptions, dir: string): bigint {
  const mine = o.dir === 'both' || (o.dir === 'original') === (dir === 'ORIGINAL');
  if (!mine) return 0n;
  return o.mode === 'packets' ? 1n : BigInt(pktLen);
}

export const connbytes: MatchModule<ConnbytesOptions> = {
  kind: 'match',
  name: 'connbytes',
  help: 'Match the packets, bytes or average packet size the connection has carried so far.',
  simulated: 'conntrack\'s packet and byte counters are not modelled: only the packet itself is counted, which is exact for a connection\'s first packet',
  options: [
    { name: 'connbytes', invert: true, parse: ([v]) => parseRange(v), help: 'A count, from:to, or from: (to the end).' },
    { name: 'connbytes-dir', values: DIRS, parse: ([v]) => oneOf(DIRS, v, 'dir'), help: 'Count the original direction, the reply direction, or both.' },
    { name: 'connbytes-mode', values: MODES, parse: ([v]) => oneOf(MODES, v, 'mode'), help: 'Count packets, bytes, or the average packet size (avgpkt).' },
  ],
  finalize(p) {
    if (!p.connbytes) throw new OptionError('connbytes: option "--connbytes" must be specified');
    if (!p['connbytes-dir']) throw new OptionError('connbytes: option "--connbytes-dir" must be specified');
    if (!p['connbytes-mode']) throw new OptionError('connbytes: option "--connbytes-mode" must be specified');
    return { ...p.connbytes.value, inv: p.connbytes.inv, dir: p['connbytes-dir'].value, mode: p['connbytes-mode'].value };
  },
  match(pkt, o, ctx) {
    if (!ctx.ct) return false;
    const n = counted(pkt.length, o, ctx.ctDir);
    return (n >= BigInt(o.from) && n <= BigInt(o.to)) !== o.inv;
  },
  explain: (pkt, o, ctx) => (ctx.ct ? `the connection counts ${counted(pkt.length, o, ctx.ctDir)} ${o.mode} (${o.dir}), ${o.inv ? 'inside' : 'outside'} ${o.from}:${o.to}` : 'the packet has no connection'),
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
