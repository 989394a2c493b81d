// nft's expressions that read the packet (payload, meta, ct, fib, rt, numgen, raw payload), compiled to
// getters. A getter returns null where the kernel's expression breaks the rule: a header the packet does
// not have (`tcp dport` of a UDP packet), no connection for `ct mark`, no input device for `iif`.
import { timeoutOf } from '../../engine/sim/conntrack';
import type { Packet } from '../../engine/model/packet';
import type { MatchContext } from '../../engine/modules/types';
import { packetBytes } from '../../engine/modules/matches/u32';
import { TIME_EPOCH } from '../../engine/modules/matches/time';
import { classid } from '../../engine/modules/matches/realm';
import { hasSocket } from '../../engine/modules/matches/cgroup';
import { AH_FIELDS, DCCP_FIELDS, ESP_FIELDS, dccpPort } from './payload-headers';
import type { Cursor } from './lex';
import * as T from './datatypes';
import type { Datatype, Val } from './datatypes';

export type Getter = (pkt: Packet, ctx: MatchContext) => Val | null;

export interface Selector {
  get: Getter;
  dt: Datatype;
  /// The words as written, for messages.
  text: string;
  /// What it would take to simulate it, when it is only parsed (the value is then a guess).
  unsimulated?: string;
  /// A field a `set` statement can write.
  field?: string;
  /// A plain packet field (of packets of this protocol only): comparisons with it compile to direct reads.
  plain?: { key: 'src' | 'dst' | 'proto' | 'sport' | 'dport' | 'ttl' | 'length' | 'mark'; proto?: number };
}

/// Values of an IPv6-only or link-layer-only expression: parsed loosely, never present on an IPv4 packet.
const OPAQUE: Datatype = { name: 'opaque', string: true, parse: (t) => t };
const never: Getter = () => null;

const hasPorts = (p: Packet) => p.proto === 6 || p.proto === 17 || p.proto === 132 || p.proto === 136;
/// `th sport`/`th dport`: any protocol with ports there; DCCP's are in the payload (payload-headers.ts).
const thPort = (which: 'sport' | 'dport'): Getter => (p) => (p.proto === 33 ? dccpPort(p, which) : hasPorts(p) && !p.fragOffset ? p[which] : null);
const l4 = (proto: number, f: (p: Packet) => Val | null): Getter => (p) => (p.proto === proto && p.fragOffset === 0 ? f(p) : null);

function field(c: Cursor, what: string, fields: Record<string, [Datatype, Getter]>): [string, Datatype, Getter] {
  const t = c.next(`${what} field`);
  const f = Object.hasOwn(fields, t.text) ? fields[t.text] : undefined;
  if (!f) throw c.error(`unknown ${what} field "${t.text}" (known: ${Object.keys(fields).join(', ')})`, t);
  return [t.text, f[0], f[1]];
}

const fragOff = (p: Packet) => (p.moreFragments ? 0x2000 : 0) | (p.fragOffset & 0x1fff);

const IP: Record<string, [Datatype, Getter]> = {
  saddr: [T.IPV4, (p) => p.src],
  daddr: [T.IPV4, (p) => p.dst],
  protocol: [T.PROTO, (p) => p.proto],
  ttl: [T.integer(8), (p) => p.ttl],
  length: [T.integer(16), (p) => p.length],
  dscp: [T.DSCP, (p) => p.tos >> 2],
  ecn: [T.ECN, (p) => p.tos & 3],
  id: [T.integer(16), (p) => p.id],
  version: [T.integer(4), () => 4],
  hdrlength: [T.integer(4), () => 5],
  'frag-off': [T.integer(16), fragOff],
  tos: [T.integer(8), (p) => p.tos],
};

const portFields = (proto: number): Record<string, [Datatype, Getter]> => ({
  sport: [T.SERVICE, l4(proto, (p) => p.sport)],
  dport: [T.SERVICE, l4(proto, (p) => p.dport)],
});

const TCP_FIELDS: Record<string, [Datatype, Getter]> = {
  ...portFields(6),
  flags: [T.TCP_FLAGS, l4(6, (p) => p.flags & 0xff)],
  doff: [T.integer(4), l4(6, () => 5)],
};

const ICMP_FIELDS: Record<string, [Datatype, Getter]> = {
  type: [T.ICMP_TYPE, l4(1, (p) => p.icmpType)],
  code: [T.ICMP_CODE, l4(1, (p) => p.icmpCode)],
  id: [T.integer(16), l4(1, (p) => (p.icmpType === 0 || p.icmpType === 8 ? p.icmpId : null))],
};

/// A tc class handle, `major:minor` in hex, `root` or `none`.
const TC_HANDLE: Datatype = {
  name: 'classid',
  parse(text) {
    if (text === 'none') return 0;
    if (text === 'root') return 0xffffffff;
    const m = /^([0-9a-f]{1,4}):([0-9a-f]{0,4})$/i.exec(text);
    if (m) return ((parseInt(m[1], 16) << 16) | parseInt(m[2] || '0', 16)) >>> 0;
    return T.integer(32).parse(text, false);
  },
};

const PLAIN_PROTO: Record<string, number> = { tcp: 6, udp: 17, udplite: 136, sctp: 132 };

/// Meta keys nft accepts without the word `meta`.
const BARE_META = new Set(['mark', 'iif', 'iifname', 'iiftype', 'oif', 'oifname', 'oiftype', 'skuid', 'skgid', 'nftrace', 'rtclassid', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup', 'l4proto', 'nfproto', 'priority', 'random', 'time', 'day', 'hour']);

const IFTYPE = T.integer(16, 'interface type');
const ifaceType = (name: string | null) => (name === null ? null : name === 'lo' ? 772 : 1);

function metaKey(key: string, c: Cursor): Selector | null {
  const m = (dt: Datatype, get: Getter, extra: Partial<Selector> = {}): Selector => ({ dt, get, text: `meta ${key}`, ...extra });
  switch (key) {
    case 'mark': return m(T.MARK, (p) => p.mark, { field: 'meta mark', plain: { key: 'mark' } });
    case 'length': return m(T.integer(32), (p) => p.length);
    case 'protocol': return m(T.ETHERTYPE, () => 0x0800);
    case 'nfproto': return m(T.NFPROTO, () => 2);
    case 'l4proto': return m(T.PROTO, (p) => p.proto, { plain: { key: 'proto' } });
    case 'iifname': return m(T.IFNAME, (p) => p.iif ?? '');
    case 'oifname': return m(T.IFNAME, (p) => p.oif ?? '');
    // An index compares like the name it was given as; no device breaks the rule.
    case 'iif': return m(T.IFNAME, (p) => p.iif);
    case 'oif': return m(T.IFNAME, (p) => p.oif);
    case 'iiftype': return m(IFTYPE, (p) => ifaceType(p.iif));
    case 'oiftype': return m(IFTYPE, (p) => ifaceType(p.oif));
    case 'skuid': return m(T.integer(32), (p, ctx) => (ctx.hook === 'OUTPUT' || ctx.hook === 'POSTROUTING') && p.iif === null ? p.uid : null);
    case 'skgid': return m(T.integer(32), (p, ctx) => (ctx.hook === 'OUTPUT' || ctx.hook === 'POSTROUTING') && p.iif === null ? p.gid : null);
    case 'pkttype':
      return m(T.PKTTYPE, (p) => (p.pkttype === 'host' ? (p.dst >>> 28 === 14 ? 2 : 0) : p.pkttype === 'broadcast' ? 1 : p.pkttype === 'multicast' ? 2 : 3), { field: 'meta pkttype' });
    case 'nftrace': return m(T.integer(1), () => 0, { field: 'meta nftrace' });
    case 'cpu': return m(T.integer(32), () => 0);
    // A device's group (a scenario interface's `group`); no device breaks the rule (nft_meta_store_ifgroup).
    case 'iifgroup': return m(T.DEVGROUP, (p, ctx) => (p.iif === null ? null : ctx.host.group?.(p.iif) ?? 0));
    case 'oifgroup': return m(T.DEVGROUP, (p, ctx) => (p.oif === null ? null : ctx.host.group?.(p.oif) ?? 0));
    // The route's class id (-m realm's): none before the routing decision, which breaks the rule.
    case 'rtclassid': return m(T.REALM, (p, ctx) => (ctx.hook === 'PREROUTING' && p.iif !== 'lo' ? null : classid(p, ctx)));
    // The net_cls classid of the sending socket: 0 (control groups are not modelled); no socket breaks the rule.
    case 'cgroup': return m(T.integer(32), (p) => (hasSocket(p) ? 0 : null), { unsimulated: 'control groups are not modelled: a local socket has net_cls classid 0' });
    case 'random': return m(T.integer(32), (_p, ctx) => Math.floor(ctx.random() * 0x100000000));
    case 'priority': return m(TC_HANDLE, () => 0, { field: 'meta priority', unsimulated: 'skb->priority (tc classes) is not modelled' });
    case 'day': return m(T.DAY, (_p, ctx) => new Date((TIME_EPOCH + ctx.now) * 1000).getUTCDay());
    case 'hour': return m(T.HOUR, (_p, ctx) => Math.floor(TIME_EPOCH + ctx.now) % 86400);
    case 'time': return m(T.integer(64), (_p, ctx) => Math.floor(TIME_EPOCH + ctx.now), { unsimulated: 'meta time compares nanosecond dates; nfplay does not parse them' });
    case 'secpath': case 'ipsec': return m(T.BOOL, () => 0);
    case 'secmark': case 'sdif': case 'sdifname': case 'bri_iifname': case 'bri_oifname': case 'ibrname': case 'obrname': case 'ibrpvid': case 'ibrvproto':
      return m(OPAQUE, never, { unsimulated: `meta ${key} is not modelled` });
  }
  void c;
  return null;
}

const CT_KEYS_DIR = new Set(['saddr', 'daddr', 'protocol', 'proto-src', 'proto-dst', 'l3proto', 'bytes', 'packets', 'avgpkt', 'zone']);

function ctKey(c: Cursor): Selector {
  let dir: 'original' | 'reply' | null = null;
  if (c.is('original') || c.is('reply')) dir = c.next('direction').text as 'original' | 'reply';
  let key = c.next('ct key').text;
  if ((key === 'ip' || key === 'ip6') && (c.is('saddr') || c.is('daddr'))) {
    if (key === 'ip6') return { dt: OPAQUE, get: never, text: `ct ip6 ${c.next('field').text}` };
    key = c.next('field').text;
  }
  const text = `ct ${dir ? dir + ' ' : ''}${key}`;
  const s = (dt: Datatype, get: Getter, extra: Partial<Selector> = {}): Selector => ({ dt, get, text, ...extra });
  const tuple = (ctx: MatchContext) => (ctx.ct ? (dir === 'reply' ? ctx.ct.reply : dir === 'original' ? ctx.ct.orig : ctx.ctDir === 'REPLY' ? ctx.ct.reply : ctx.ct.orig) : null);
  if (dir && !CT_KEYS_DIR.has(key)) throw c.error(`ct ${key} takes no direction`);
  switch (key) {
    case 'state':
      return s(T.CT_STATE, (_p, ctx) => T.CT_STATE_BITS[ctx.ctState.toLowerCase() as keyof typeof T.CT_STATE_BITS]);
    case 'status':
      return s(T.CT_STATUS, (_p, ctx) => {
        const ct = ctx.ct;
        if (!ct) return null;
        return (ct.expected ? 1 : 0) | (ct.seenReply ? 2 : 0) | (ct.assured ? 4 : 0) | (ct.confirmed ? 8 : 0) | (ct.snat ? 16 : 0) | (ct.dnat ? 32 : 0) |
          (ct.natDone.src ? 128 : 0) | (ct.natDone.dst ? 256 : 0);
      });
    case 'mark': return s(T.MARK, (_p, ctx) => ctx.ct?.mark ?? null, { field: 'ct mark' });
    case 'direction': return s(T.CT_DIR, (_p, ctx) => (ctx.ct ? (ctx.ctDir === 'REPLY' ? 1 : 0) : null));
    case 'expiration':
      // Milliseconds left, compared with times written in seconds (see TIME below).
      return s(TIME, (_p, ctx) => (ctx.ct ? Math.max(0, Math.floor(timeoutOf(ctx.ct) - (ctx.now - ctx.ct.lastSeen))) * 1000 : null));
    case 'helper': return s(T.STRING, (_p, ctx) => (ctx.ct ? ctx.ct.helper ?? '' : null), { field: 'ct helper' });
    case 'zone': return s(T.integer(16), (_p, ctx) => (ctx.ct ? ctx.ct.zone : null), { field: dir ? `ct ${dir} zone` : 'ct zone' });
    case 'l3proto': return s(T.NFPROTO, (_p, ctx) => (ctx.ct ? 2 : null));
    case 'protocol': return s(T.PROTO, (_p, ctx) => tuple(ctx)?.proto ?? null);
    case 'saddr': return s(T.IPV4, (_p, ctx) => tuple(ctx)?.src ?? null);
    case 'daddr': return s(T.IPV4, (_p, ctx) => tuple(ctx)?.dst ?? null);
    case 'proto-src': return s(T.SERVICE, (_p, ctx) => tuple(ctx)?.sport ?? null);
    case 'proto-dst': return s(T.SERVICE, (_p, ctx) => tuple(ctx)?.dport ?? null);
    case 'id': return s(T.integer(32), (_p, ctx) => ctx.ct?.id ?? null);
    // Conntrack's accounting, this packet included (nft_ct_get_eval_counter): one direction, or both summed;
    // avgpkt is bytes / packets rounded down. The rule loading them turns accounting on.
    case 'bytes': case 'packets': case 'avgpkt':
      return s(T.integer(64), (_p, ctx) => (ctx.ct ? ctCounter(ctx.ct.counters, key as 'bytes' | 'packets' | 'avgpkt', dir) : null));
    case 'label': case 'event': case 'secmark': case 'timeout': case 'expectation':
      return s(OPAQUE, never, { unsimulated: `ct ${key} is not modelled`, field: `ct ${key}` });
  }
  throw c.error(`unknown ct key "${key}"`);
}

function ctCounter(c: { packets: [number, number]; bytes: [number, number] } | undefined, key: 'bytes' | 'packets' | 'avgpkt', dir: 'original' | 'reply' | null): number {
  if (!c) return 0;
  const pick = (v: [number, number]) => (dir === 'original' ? v[0] : dir === 'reply' ? v[1] : v[0] + v[1]);
  if (key !== 'avgpkt') return pick(c[key]);
  const n = pick(c.packets);
  return n ? Math.floor(pick(c.bytes) / n) : 0;
}

/// Times: `30s`, `1m`, `1h30m`, `250ms`, or plain seconds, as milliseconds.
export const TIME: Datatype = {
  name: 'time',
  parse(text) {
    if (/^\d+$/.test(text)) return Number(text) * 1000;
    const re = /(\d+)(ms|s|m|h|d)/gy;
    let ms = 0, at = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      ms += Number(m[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 }[m[2] as 'ms']!;
      at = re.lastIndex;
    }
    if (at !== text.length || !text) throw new Error(`"${text}" is not a time (30s, 1m, 1h ...)`);
    return ms;
  },
};

const ADDRTYPE: Record<string, number> = { UNSPEC: 0, UNICAST: 1, LOCAL: 2, BROADCAST: 3, ANYCAST: 4, MULTICAST: 5, BLACKHOLE: 6, UNREACHABLE: 7, PROHIBIT: 8 };

function fib(c: Cursor): Selector {
  const parts: string[] = [];
  do parts.push(c.next('fib input').text);
  while (c.eat('.'));
  const result = c.next('fib result (type, oif, oifname)').text;
  const text = `fib ${parts.join(' . ')} ${result}`;
  const addr = parts.find((p) => p === 'saddr' || p === 'daddr');
  if (!addr) throw c.error('fib needs saddr or daddr');
  const byIif = parts.includes('iif'), byOif = parts.includes('oif');
  const unknown = parts.find((p) => !['saddr', 'daddr', 'iif', 'oif', 'mark'].includes(p));
  if (unknown) throw c.error(`unknown fib input "${unknown}"`);
  const pick = (p: Packet) => (addr === 'saddr' ? p.src : p.dst);
  if (result === 'type') {
    return {
      text, dt: T.FIB_ADDRTYPE,
      get: (p, ctx) => {
        const dev = byIif ? p.iif : byOif ? p.oif : null;
        if ((byIif || byOif) && !dev) return null;
        return ADDRTYPE[ctx.host.addrType(pick(p), dev)] ?? 0;
      },
    };
  }
  if (result === 'oif' || result === 'oifname') {
    // nft_fib4_eval: the device the route to the address leaves by; with `. iif`/`. oif`, only when it is
    // that device. A local address, or no route, gives none (the scenario has no policy routing, so the
    // mark changes nothing).
    return {
      text, dt: result === 'oif' ? FIB_OIF : T.IFNAME,
      get: (p, ctx) => {
        const want = byOif ? p.oif : byIif ? p.iif : null;
        // Looped-back packets answer their input device; so does a source of 0.0.0.0 sent to the
        // broadcast address or a link-local group (DHCP): the device the packet is on.
        const on = (dev: string | null) => (!dev ? '' : result === 'oif' ? FIB_DEV + dev : dev);
        if (ctx.hook === 'PREROUTING' && p.iif === 'lo') return on('lo');
        if (p.src === 0 && (p.dst === 0xffffffff || p.dst >>> 8 === 0xe00000)) return on(p.iif ?? p.oif);
        const host = ctx.host as unknown as { route?(a: number): { type: string; route?: { dev: string }; dev?: string } };
        const r = host.route?.(pick(p));
        const dev = !r || r.type === 'unreachable' || r.type === 'local' ? '' : r.route?.dev ?? r.dev ?? '';
        const found = want !== null && dev !== want ? '' : dev;
        return result === 'oif' && found ? FIB_DEV + found : found;
      },
    };
  }
  throw c.error(`unknown fib result "${result}"`);
}

/// fib's oif: an interface index, compared here as `dev:NAME`, '' for none (`0`, `missing`). An index
/// range from 1, `exists` and `true` stand for any device; other numbers for a device nfplay cannot name.
const FIB_DEV = 'dev:';
const FIB_OIF: Datatype = {
  name: 'fib oif', string: true,
  parse: (t) => (t === 'missing' || t === '0' || t === 'false' ? '' : FIB_DEV + t),
  format: (v) => (v === '' ? '0' : `"${String(v).slice(FIB_DEV.length)}"`),
  wildcard: (t) => (t === 'exists' || t === 'true' || /^[1-9]\d*-\d+$/.test(t) ? { s: FIB_DEV, wild: true } : null),
};

/// One primary expression; null when the word does not start one.
export function primary(c: Cursor): Selector | null {
  const t = c.peek();
  if (!t || t.quoted) return null;
  const w = t.text;
  const start = c.i;
  c.i++;
  const named = (what: string, fields: Record<string, [Datatype, Getter]>, extra: Partial<Selector> = {}): Selector => {
    const [f, dt, get] = field(c, what, fields);
    const s: Selector = { dt, get, text: `${what} ${f}`, ...extra };
    const proto = PLAIN_PROTO[what];
    if (what === 'ip' && (f === 'saddr' || f === 'daddr' || f === 'protocol' || f === 'ttl' || f === 'length'))
      s.plain = { key: f === 'saddr' ? 'src' : f === 'daddr' ? 'dst' : f === 'protocol' ? 'proto' : f };
    else if (proto !== undefined && (f === 'sport' || f === 'dport')) s.plain = { key: f, proto };
    return s;
  };
  switch (w) {
    case 'ip': {
      const s = named('ip', IP);
      if (['dscp', 'ecn', 'ttl', 'tos'].includes(s.text.slice(3))) s.field = s.text;
      return s;
    }
    case 'tcp':
      if (c.is('option')) {
        c.i++;
        return tcpOption(c);
      }
      return named('tcp', TCP_FIELDS);
    case 'udp': return named('udp', { ...portFields(17), length: [T.integer(16), l4(17, (p) => 8 + p.payload.length)] });
    case 'udplite': return named('udplite', portFields(136));
    case 'sctp': return named('sctp', portFields(132));
    case 'dccp': return named('dccp', DCCP_FIELDS);
    case 'esp': return named('esp', ESP_FIELDS);
    case 'ah': return named('ah', AH_FIELDS);
    case 'th': return named('th', { sport: [T.SERVICE, thPort('sport')], dport: [T.SERVICE, thPort('dport')] });
    case 'icmp': return named('icmp', ICMP_FIELDS);
    case 'ether':
      return named('ether', {
        // The link layer exists for packets that came in on an interface, until they are routed out.
        saddr: [T.MAC, (p, ctx) => (p.iif && p.iif !== 'lo' && (ctx.hook === 'PREROUTING' || ctx.hook === 'INPUT' || ctx.hook === 'FORWARD') ? p.macSrc : null)],
        daddr: [T.MAC, (p, ctx) => (p.iif && p.iif !== 'lo' && (ctx.hook === 'PREROUTING' || ctx.hook === 'INPUT' || ctx.hook === 'FORWARD') ? ctx.host.mac(p.iif) : null)],
        type: [T.ETHERTYPE, (p) => (p.iif ? 0x0800 : null)],
      });
    case 'ip6': case 'icmpv6': case 'arp': case 'vlan': case 'comp': case 'dst': case 'frag': case 'hbh': case 'mh': case 'rt0': case 'srh': case 'gre': case 'geneve': case 'vxlan': {
      // Headers an IPv4 packet of a scenario never has (comp/gre payloads are not modelled).
      const f = c.next(`${w} field`).text;
      const v4 = w === 'comp' || w === 'gre';
      return { dt: OPAQUE, get: never, text: `${w} ${f}`, ...(v4 ? { unsimulated: `${w} headers are not modelled: the match never holds` } : {}) };
    }
    case 'meta': {
      const k = c.next('meta key');
      const s = metaKey(k.text, c);
      if (!s) throw c.error(`unknown meta key "${k.text}"`, k);
      return s;
    }
    case 'ct':
      if (c.is('count')) {
        c.i = start;
        return null;
      }
      return ctKey(c);
    case 'fib': return fib(c);
    case 'rt': {
      const k = c.next('rt key').text;
      if (k === 'mtu') return { dt: T.integer(16), get: () => 1500, text: 'rt mtu' };
      if (k === 'nexthop') return { dt: T.IPV4, get: () => null, text: 'rt nexthop', unsimulated: 'rt nexthop is not modelled' };
      return { dt: OPAQUE, get: never, text: `rt ${k}`, unsimulated: `rt ${k} is not modelled` };
    }
    case 'numgen': return numgen(c);
    case 'jhash': case 'symhash': case 'socket': case 'osf': case 'ipsec': case 'exthdr': case 'tunnel': case 'xfrm': {
      // Read the rest of the expression's words loosely: they are only reported.
      while (!c.done() && !isRelational(c) && !c.is('vmap') && !c.is('map') && !c.is('{') && !c.is('@') && !c.is('.')) c.i++;
      return { dt: OPAQUE, get: never, text: w, unsimulated: `${w} expressions are not modelled: the match never holds` };
    }
  }
  if (w.startsWith('@') && /^@(ll|nh|th|ih),\d+,\d+$/.test(w)) return raw(w);
  if (BARE_META.has(w)) return metaKey(w, c);
  c.i = start;
  return null;
}

function isRelational(c: Cursor): boolean {
  const t = c.peek();
  return !!t && !t.quoted && ['==', '!=', '<', '>', '<=', '>=', 'eq', 'ne', 'lt', 'gt', 'le', 'ge'].includes(t.text);
}

const TCP_OPTIONS: Record<string, number> = { eol: 0, nop: 1, maxseg: 2, window: 3, 'sack-perm': 4, 'sack-permitted': 4, sack: 5, sack0: 5, timestamp: 8 };

function tcpOption(c: Cursor): Selector {
  const name = c.next('tcp option').text;
  const kind = Object.hasOwn(TCP_OPTIONS, name) ? TCP_OPTIONS[name] : /^\d+$/.test(name) ? Number(name) : -1;
  if (kind < 0) throw c.error(`unknown tcp option "${name}"`);
  const has = (p: Packet) => p.proto === 6 && p.tcpOptions.includes(kind);
  if (c.is('exists') || c.is('missing')) return { dt: T.BOOL, get: (p) => (p.proto === 6 ? (has(p) ? 1 : 0) : null), text: `tcp option ${name}` };
  const f = c.next('tcp option field').text;
  if (kind === 2 && f === 'size') return { dt: T.integer(16), get: (p) => (has(p) ? p.mss : null), text: 'tcp option maxseg size', field: 'tcp option maxseg size' };
  return { dt: OPAQUE, get: never, text: `tcp option ${name} ${f}`, unsimulated: `tcp option ${name} ${f} is not modelled` };
}

function numgen(c: Cursor): Selector {
  const mode = c.next('numgen mode').text;
  c.expect('mod');
  const mod = Number(c.next('modulus').text);
  let offset = 0;
  if (c.eat('offset')) offset = Number(c.next('offset').text);
  if (!(mod > 0)) throw c.error('numgen needs a modulus above 0');
  if (mode === 'inc') {
    const key = `numgen ${c.i} ${c.toks[0]?.line}:${c.toks[0]?.column}`;
    return { dt: T.integer(32), text: `numgen inc mod ${mod}`, get: (_p, ctx) => {
      const st = ctx.shared(key, () => ({ n: 0 }));
      return (st.n++ % mod) + offset;
    } };
  }
  if (mode === 'random') return { dt: T.integer(32), text: `numgen random mod ${mod}`, get: (_p, ctx) => Math.floor(ctx.random() * mod) + offset };
  throw c.error(`unknown numgen mode "${mode}"`);
}

/// `@nh,OFFSET,LENGTH` (bits): the network header, `@th` the transport header, read from the packet's
/// bytes as the u32 match builds them.
function raw(w: string): Selector {
  const [, base, off, len] = /^@(\w+),(\d+),(\d+)$/.exec(w)!;
  const offset = Number(off), bits = Number(len);
  if (base === 'll' || base === 'ih' || bits > 32) return { dt: OPAQUE, get: never, text: w, unsimulated: `${w}: only @nh and @th reads of up to 32 bits are simulated` };
  return {
    dt: T.integer(bits), text: w,
    get(p) {
      const bytes = packetBytes(p);
      const start = (base === 'th' ? 20 : 0) * 8 + offset;
      if (start + bits > bytes.length * 8) return null;
      let v = 0;
      for (let b = start; b < start + bits; b++) v = v * 2 + ((bytes[b >> 3] >> (7 - (b & 7))) & 1);
      return v;
    },
  };
}
