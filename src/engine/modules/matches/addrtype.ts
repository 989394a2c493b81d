// -m addrtype: what the routing table calls the source or destination address (libxt_addrtype, rev 1).
import type { AddrType, MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { formatIPv4 } from '../../model/addr';

const TYPES: readonly AddrType[] = ['UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE'];

export interface AddrtypeOptions {
  src: AddrType[] | null;
  srcInv: boolean;
  dst: AddrType[] | null;
  dstInv: boolean;
  limitIn: boolean;
  limitOut: boolean;
}

function parseTypes(text: string): AddrType[] {
  return text.split(',').map((t) => {
    const u = t.toUpperCase() as AddrType;
    if (!TYPES.includes(u)) throw new OptionError(`addrtype: bad type "${t}"`);
    return u;
  });
}

/// iptables lists the types in its own table order.
const fmt = (ts: AddrType[]) => TYPES.filter((t) => ts.includes(t)).join(',');

export const addrtype: MatchModule<AddrtypeOptions> = {
  kind: 'match',
  name: 'addrtype',
  help: 'Match the address type of the source or destination as routing sees it: LOCAL, UNICAST, BROADCAST, MULTICAST ...',
  simulated: true,
  options: [
    { name: 'src-type', invert: true, values: TYPES, parse: ([v]) => parseTypes(v), help: 'Source address type(s), comma-separated.' },
    { name: 'dst-type', invert: true, values: TYPES, parse: ([v]) => parseTypes(v), help: 'Destination address type(s), comma-separated.' },
    { name: 'limit-iface-in', args: 0, help: 'Only consider routes through the incoming interface.' },
    { name: 'limit-iface-out', args: 0, help: 'Only consider routes through the outgoing interface.' },
  ],
  finalize(p, rule) {
    const src = p['src-type'], dst = p['dst-type'];
    if (!src && !dst) throw new OptionError('addrtype: you must specify --src-type or --dst-type');
    if (p['limit-iface-in'] && p['limit-iface-out']) throw new OptionError('addrtype: option "--limit-iface-in" cannot be used together with "--limit-iface-out".');
    if (p['limit-iface-in'] && rule.hooks.some((h) => h === 'OUTPUT' || h === 'POSTROUTING'))
      throw new OptionError('addrtype: --limit-iface-in is not valid in OUTPUT and POSTROUTING');
    if (p['limit-iface-out'] && rule.hooks.some((h) => h === 'PREROUTING' || h === 'INPUT'))
      throw new OptionError('addrtype: --limit-iface-out is not valid in PREROUTING and INPUT');
    return {
      src: src?.value ?? null, srcInv: src?.inv ?? false, dst: dst?.value ?? null, dstInv: dst?.inv ?? false,
      limitIn: !!p['limit-iface-in'], limitOut: !!p['limit-iface-out'],
    };
  },
  // With the scenario's host the types are address sets; an interface limit makes them depend on it (may).
  space(o, env) {
    if (!env?.addrType || o.limitIn || o.limitOut) return null;
    const parts: Space[] = [];
    for (const [field, types, inv] of [['src', o.src, o.srcInv], ['dst', o.dst, o.dstInv]] as const) {
      if (!types) continue;
      const s: Space = { field, ranges: types.flatMap((t) => env.addrType!(t)) };
      parts.push(inv ? { not: s } : s);
    }
    return { all: parts };
  },
  match(pkt, o, ctx) {
    const dev = o.limitIn ? pkt.iif : o.limitOut ? pkt.oif : null;
    if (o.src && o.src.includes(ctx.host.addrType(pkt.src, dev)) === o.srcInv) return false;
    if (o.dst && o.dst.includes(ctx.host.addrType(pkt.dst, dev)) === o.dstInv) return false;
    return true;
  },
  explain(pkt, o, ctx) {
    const dev = o.limitIn ? pkt.iif : o.limitOut ? pkt.oif : null;
    const s = ctx.host.addrType(pkt.src, dev), d = ctx.host.addrType(pkt.dst, dev);
    if (o.src && o.src.includes(s) === o.srcInv) return `source ${formatIPv4(pkt.src)} is ${s}, ${o.srcInv ? '' : 'not '}${fmt(o.src)}`;
    return `destination ${formatIPv4(pkt.dst)} is ${d}, ${o.dstInv ? '' : 'not '}${fmt(o.dst!)}`;
  },
  save(o) {
    const out: string[] = [];
    if (o.src) out.push(`${o.srcInv ? '! ' : ''}--src-type ${fmt(o.src)}`);
    if (o.dst) out.push(`${o.dstInv ? '! ' : ''}--dst-type ${fmt(o.dst)}`);
    if (o.limitIn) out.push('--limit-iface-in');
    if (o.limitOut) out.push('--limit-iface-out');
    return out.join(' ');
  },
  list(o) {
    const out = ['ADDRTYPE match'];
    if (o.src) out.push(`src-type ${o.srcInv ? '!' : ''}${fmt(o.src)}`);
    if (o.dst) out.push(`dst-type ${o.dstInv ? '!' : ''}${fmt(o.dst)}`);
    if (o.limitIn) out.push('limit-in');
    if (o.limitOut) out.push('limit-out');
    return out.join(' ');
  },
  xlate(o) {
    const parts: string[] = [];
    const iif = o.limitIn ? ' . iif' : o.limitOut ? ' . oif' : '';
    if (o.src) parts.push(`fib saddr${iif} type ${o.srcInv ? '!= ' : ''}${o.src.length > 1 ? `{ ${TYPES.filter((t) => o.src!.includes(t)).map((t) => t.toLowerCase()).join(', ')} }` : o.src[0].toLowerCase()}`);
    if (o.dst) parts.push(`fib daddr${iif} type ${o.dstInv ? '!= ' : ''}${o.dst.length > 1 ? `{ ${TYPES.filter((t) => o.dst!.includes(t)).map((t) => t.toLowerCase()).join(', ')} }` : o.dst[0].toLowerCase()}`);
    return o.src && o.dst ? { nft: parts.join(' '), note: 'iptables-translate 1.8.9 drops --dst-type when --src-type is given' } : { nft: parts.join(' ') };
  },
};
