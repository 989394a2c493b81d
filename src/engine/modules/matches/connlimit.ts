// -m connlimit: how many connections the source (or destination) network has open (xt_connlimit over
// nf_conncount). A connection counts once it passed this rule, for as long as conntrack keeps it and
// it is not closing.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import type { Conn } from '../../model/conntrack';
import { formatIPv4, maskToPrefix, parseIPv4, prefixToMask } from '../../model/addr';

const count = (name: string) => ([v]: string[]) => {
  if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new OptionError(`connlimit: bad value for option "--${name}", or out of range (0-4294967295).`);
  return Number(v);
};

export interface ConnlimitOptions {
  limit: number;
  upto: boolean;
  mask: number;
  side: 'saddr' | 'daddr';
}

export const connlimit: MatchModule<ConnlimitOptions, Map<number, Conn[]>> = {
  kind: 'match',
  name: 'connlimit',
  help: 'Match by the number of connections open from the source (or to the destination) network.',
  simulated: true,
  stateful: true,
  options: [
    { name: 'connlimit-upto', invert: true, parse: count('connlimit-upto'), help: 'Match while there are at most this many connections.' },
    { name: 'connlimit-above', invert: true, parse: count('connlimit-above'), help: 'Match when there are more than this many.' },
    {
      name: 'connlimit-mask', help: 'Group addresses by this prefix length or netmask (default 32).',
      parse: ([v]) => {
        if (/^\d+$/.test(v) && Number(v) <= 128) return Math.min(32, Number(v));
        const m = parseIPv4(v);
        const p = m === null ? -1 : maskToPrefix(m);
        if (p < 0) throw new OptionError('connlimit: bad value for option "--connlimit-mask", neither a valid network mask nor valid CIDR (0-32).');
        return p;
      },
    },
    { name: 'connlimit-saddr', args: 0, help: 'Count per source address (default).' },
    { name: 'connlimit-daddr', args: 0, help: 'Count per destination address.' },
  ],
  finalize(p) {
    const up = p['connlimit-upto'], ab = p['connlimit-above'];
    if (up && ab) throw new OptionError('connlimit: option "--connlimit-upto" cannot be used together with "--connlimit-above".');
    if (p['connlimit-saddr'] && p['connlimit-daddr']) throw new OptionError('connlimit: option "--connlimit-saddr" cannot be used together with "--connlimit-daddr".');
    const n = up ?? ab;
    if (!n) throw new OptionError('You must specify "--connlimit-above" or "--connlimit-upto".');
    // `! --connlimit-above N` is --connlimit-upto N, and the other way round.
    return { limit: n.value, upto: !!up !== n.inv, mask: p['connlimit-mask']?.value ?? 32, side: p['connlimit-daddr'] ? 'daddr' : 'saddr' };
  },
  createState: () => new Map(),
  // nf_conncount keeps a list per key, in the order connections were added. Adding walks it, evicting
  // connections conntrack no longer has (or that are closing), and stops at the packet's own connection:
  // entries after it are not looked at, so a dropped connection behind it still counts.
  match(pkt, o, ctx, seen) {
    const key = ((o.side === 'saddr' ? pkt.src : pkt.dst) & prefixToMask(o.mask)) >>> 0;
    let list = seen.get(key);
    if (!list) seen.set(key, (list = []));
    const live = new Set(ctx.connections());
    let present = false;
    for (let i = 0; i < list.length; ) {
      const c = list[i];
      if (c === ctx.ct) {
        present = true;
        break;
      }
      if (!live.has(c) || c.tcpState === 'TIME_WAIT' || c.tcpState === 'CLOSE') list.splice(i, 1);
      else i++;
    }
    if (!present && ctx.ct) list.push(ctx.ct);
    return (list.length > o.limit) !== o.upto;
  },
  explain(pkt, o, _ctx) {
    const net = `${formatIPv4(((o.side === 'saddr' ? pkt.src : pkt.dst) & prefixToMask(o.mask)) >>> 0)}/${o.mask}`;
    return `${o.side === 'saddr' ? 'source' : 'destination'} ${net} has ${o.upto ? 'more than' : 'at most'} ${o.limit} connection${o.limit === 1 ? '' : 's'} counted by this rule`;
  },
  save: (o) => `--connlimit-${o.upto ? 'upto' : 'above'} ${o.limit} --connlimit-mask ${o.mask} --connlimit-${o.side}`,
  list: (o) => `#conn ${o.side === 'saddr' ? 'src' : 'dst'}/${o.mask} ${o.upto ? '<=' : '>'} ${o.limit}`,
  xlate(o, ctx) {
    const key = `ip ${o.side} ${o.mask !== 32 ? `and ${formatIPv4(prefixToMask(o.mask))} ` : ''}`.trimEnd();
    const name = ctx ? ctx.declare('set', 'connlimit', 'type ipv4_addr; flags dynamic;') : 'connlimit';
    return { nft: `add @${name} { ${key} ct count ${o.upto ? '' : 'over '}${o.limit} }` };
  },
};
