// -m connlimit: how many connections the source (or destination) network has open (xt_connlimit over
// nf_conncount). A connection counts once it passed this rule, for as long as conntrack keeps it and
// it is not closing.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import type { Conn } from '../../model/conntrack';
import { formatIPv4, prefixToMask } from '../../model/addr';
import { parseUint } from '../values';

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
    { name: 'connlimit-upto', parse: ([v]) => parseUint(v, 0xffffffff, 'connlimit'), help: 'Match while there are at most this many connections.' },
    { name: 'connlimit-above', parse: ([v]) => parseUint(v, 0xffffffff, 'connlimit'), help: 'Match when there are more than this many.' },
    { name: 'connlimit-mask', parse: ([v]) => parseUint(v, 32, 'mask'), help: 'Group addresses by this prefix length (default 32).' },
    { name: 'connlimit-saddr', args: 0, help: 'Count per source address (default).' },
    { name: 'connlimit-daddr', args: 0, help: 'Count per destination address.' },
  ],
  finalize(p) {
    const n = p['connlimit-upto'] ?? p['connlimit-above'];
    if (!n || (p['connlimit-upto'] && p['connlimit-above'])) throw new OptionError('connlimit: exactly one of --connlimit-upto or --connlimit-above is needed');
    return { limit: n.value, upto: !!p['connlimit-upto'], mask: p['connlimit-mask']?.value ?? 32, side: p['connlimit-daddr'] ? 'daddr' : 'saddr' };
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
  explain: (pkt, o) => `${formatIPv4(o.side === 'saddr' ? pkt.src : pkt.dst)}/${o.mask} has ${o.upto ? 'more than' : 'at most'} ${o.limit} connections`,
  save: (o) => `--connlimit-${o.upto ? 'upto' : 'above'} ${o.limit} --connlimit-mask ${o.mask} --connlimit-${o.side}`,
  list: (o) => `#conn ${o.side === 'saddr' ? 'src' : 'dst'}/${o.mask} ${o.upto ? '<=' : '>'} ${o.limit}`,
  xlate: (o) => ({ nft: `add @connlimit { ${o.side === 'saddr' ? 'ip saddr' : 'ip daddr'} ct count ${o.upto ? '' : 'over '}${o.limit} }` }),
};
