// -m conntrack: the connection the packet belongs to (libxt_conntrack, revision 3): its state, status,
// original and reply tuples, remaining lifetime and the packet's direction.
import type { CtStateName, MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { formatIPv4, looksLikeHostname, maskToPrefix, parseIPv4, prefixToMask } from '../../model/addr';
import type { Conn } from '../../model/conntrack';
import { formatRange, inRange, not, parsePort, type Range } from '../values';
import { parseProtocol } from '../protocols';
import { timeoutOf } from '../../sim/conntrack';

const STATES = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'] as const;
/// Status bits as the kernel numbers them (IPS_EXPECTED, IPS_SEEN_REPLY, IPS_ASSURED, IPS_CONFIRMED).
const STATUS_BITS: [string, number][] = [['EXPECTED', 1], ['SEEN_REPLY', 2], ['ASSURED', 4], ['CONFIRMED', 8]];
type State = (typeof STATES)[number];

/// An address as conntrack keeps it: not masked (iptables prints it as given), with its mask.
export interface CtAddr {
  addr: number;
  mask: number;
}

interface Opt<T> {
  v: T;
  inv: boolean;
}

export interface ConntrackOptions {
  state?: Opt<State[]>;
  proto?: Opt<number>;
  origsrc?: Opt<CtAddr>;
  origdst?: Opt<CtAddr>;
  replsrc?: Opt<CtAddr>;
  repldst?: Opt<CtAddr>;
  origsrcport?: Opt<Range>;
  origdstport?: Opt<Range>;
  replsrcport?: Opt<Range>;
  repldstport?: Opt<Range>;
  /// Bit mask of STATUS_BITS; 0 is NONE (which matches no connection).
  status?: Opt<number>;
  expire?: Opt<Range>;
  dir?: 'ORIGINAL' | 'REPLY';
}

/// Saved and listed in this order, whatever order the rule gave.
const ORDER = ['state', 'proto', 'origsrc', 'origdst', 'replsrc', 'repldst', 'origsrcport', 'origdstport', 'replsrcport', 'repldstport', 'status', 'expire'] as const;
type Key = (typeof ORDER)[number];

function parseStates(text: string): State[] {
  return text.split(',').map((raw) => {
    const s = raw.toUpperCase() as State;
    if (!STATES.includes(s)) throw new OptionError(`Bad ctstate "${raw}"`);
    return s;
  });
}

function parseStatus(text: string): number {
  let bits = 0;
  for (const raw of text.split(',')) {
    const u = raw.toUpperCase();
    if (u === 'NONE') continue;
    const b = STATUS_BITS.find(([n]) => n === u);
    if (!b) throw new OptionError(`Bad ctstatus "${raw}"`);
    bits |= b[1];
  }
  return bits;
}

/// `10.0.0.1`, `10.0.0.0/8`, `10.1.2.3/255.0.255.0`: kept unmasked, as libxt_conntrack stores it.
function parseCtAddr(text: string): CtAddr {
  const slash = text.indexOf('/');
  const a = parseIPv4(slash < 0 ? text : text.slice(0, slash));
  let mask: number | null = 0xffffffff;
  if (slash >= 0) {
    const m = text.slice(slash + 1);
    mask = /^\d+$/.test(m) ? (Number(m) > 32 ? 0xffffffff : prefixToMask(Number(m))) : parseIPv4(m);
  }
  if (a === null || mask === null) {
    if (slash < 0 && looksLikeHostname(text) && !/^[\d.]+$/.test(text))
      throw new OptionError(`host/network \`${text}' not found: nfplay cannot resolve host names, write the address instead`);
    throw new OptionError('getaddrinfo: Name or service not known');
  }
  return { addr: a, mask };
}

/// A port is stored in 16 bits: iptables takes `70000` and keeps 4464. A range may run backwards.
function parseCtPort(text: string): number {
  return /^\d+$/.test(text) ? Number(text) % 65536 : parsePort(text);
}
function parseCtPorts(text: string): Range {
  const i = text.indexOf(':');
  if (i < 0) {
    const p = parseCtPort(text);
    return { min: p, max: p };
  }
  return { min: i === 0 ? 0 : parseCtPort(text.slice(0, i)), max: i === text.length - 1 ? 65535 : parseCtPort(text.slice(i + 1)) };
}

function parseExpire(text: string): Range {
  const bad = () => new OptionError(`conntrack: bad value for option "--ctexpire" near "${text}", or out of range (0-4294967295).`);
  const [a, b, extra] = text.split(':');
  if (extra !== undefined || !/^\d+$/.test(a) || (b !== undefined && !/^\d+$/.test(b))) throw bad();
  const min = Number(a), max = b === undefined ? min : Number(b);
  if (min > 0xffffffff || max > 0xffffffff) throw bad();
  return { min, max };
}

/// As iptables prints a conntrack address: no /32, and a mask that is not a prefix is not printed at all.
function addr(c: CtAddr): string {
  const p = maskToPrefix(c.mask);
  return p === 32 || p < 0 ? formatIPv4(c.addr) : `${formatIPv4(c.addr)}/${p}`;
}

function value(key: Key, v: unknown): string {
  switch (key) {
    case 'state':
      return STATES.filter((s) => (v as State[]).includes(s)).join(',');
    case 'status':
      return (v as number) === 0 ? 'NONE' : STATUS_BITS.filter(([, b]) => (v as number) & b).map(([n]) => n).join(',');
    case 'proto':
      return String(v);
    case 'origsrc': case 'origdst': case 'replsrc': case 'repldst':
      return addr(v as CtAddr);
    default:
      return formatRange(v as Range);
  }
}

const inAddr = (a: number, c: CtAddr) => (((a ^ c.addr) & c.mask) >>> 0) === 0;
const statusOf = (ct: Conn) => (ct.expected ? 1 : 0) | (ct.seenReply ? 2 : 0) | (ct.assured ? 4 : 0) | (ct.confirmed ? 8 : 0);
/// Remaining lifetime in whole seconds, as the kernel computes it (jiffies left / HZ, rounded down).
const expiresOf = (ct: Conn, now: number) => Math.max(0, Math.floor(timeoutOf(ct) - (now - ct.lastSeen)));

/// The first clause that fails, by option key (null: everything matches).
function failing(o: ConntrackOptions, ctx: { ct: Conn | null; ctState: string; ctDir: string; now: number }): Key | 'dir' | 'noct' | null {
  const ct = ctx.ct;
  if (o.state) {
    let hit = o.state.v.includes(ctx.ctState as State);
    if (!hit && ct) hit = (o.state.v.includes('SNAT') && ct.snat) || (o.state.v.includes('DNAT') && ct.dnat);
    if (hit === o.state.inv) return 'state';
  }
  // Every other clause needs a connection.
  if (!ORDER.slice(1).some((k) => o[k]) && !o.dir) return null;
  // No connection: xt_conntrack returns whether --ctstate was given, which the packet passed by now.
  if (!ct) return o.state ? null : 'noct';
  const checks: [Key, (v: never) => boolean][] = [
    ['proto', (v: number) => ct.orig.proto === v],
    ['origsrc', (v: CtAddr) => inAddr(ct.orig.src, v)],
    ['origdst', (v: CtAddr) => inAddr(ct.orig.dst, v)],
    ['replsrc', (v: CtAddr) => inAddr(ct.reply.src, v)],
    ['repldst', (v: CtAddr) => inAddr(ct.reply.dst, v)],
    ['origsrcport', (v: Range) => inRange(ct.orig.sport, v)],
    ['origdstport', (v: Range) => inRange(ct.orig.dport, v)],
    ['replsrcport', (v: Range) => inRange(ct.reply.sport, v)],
    ['repldstport', (v: Range) => inRange(ct.reply.dport, v)],
    ['status', (v: number) => (statusOf(ct) & v) !== 0],
    ['expire', (v: Range) => inRange(expiresOf(ct, ctx.now), v)],
  ];
  for (const [k, f] of checks) {
    const x = o[k] as Opt<unknown> | undefined;
    if (x && f(x.v as never) === x.inv) return k;
  }
  if (o.dir && ctx.ctDir !== o.dir) return 'dir';
  return null;
}

const port = ([v]: string[]) => parseCtPorts(v);
const cidr = ([v]: string[]) => parseCtAddr(v);

export const conntrack: MatchModule<ConntrackOptions> = {
  kind: 'match',
  name: 'conntrack',
  help: 'Match the connection tracking entry of the packet: state, status, original and reply addresses and ports.',
  simulated: true,
  options: [
    { name: 'ctstate', invert: true, values: STATES, parse: ([v]) => parseStates(v), help: 'States: INVALID, NEW, ESTABLISHED, RELATED, UNTRACKED, and SNAT, DNAT for NATed connections.' },
    { name: 'ctproto', invert: true, parse: ([v]) => parseProtocol(v), help: 'Layer-4 protocol of the connection.' },
    { name: 'ctorigsrc', invert: true, parse: cidr, help: 'Source address of the original direction.' },
    { name: 'ctorigdst', invert: true, parse: cidr, help: 'Destination address of the original direction (before DNAT).' },
    { name: 'ctreplsrc', invert: true, parse: cidr, help: 'Source address of the reply direction (after DNAT).' },
    { name: 'ctrepldst', invert: true, parse: cidr, help: 'Destination address of the reply direction (after SNAT).' },
    { name: 'ctorigsrcport', invert: true, parse: port, help: 'Source port of the original direction (port or min:max).' },
    { name: 'ctorigdstport', invert: true, parse: port, help: 'Destination port of the original direction (before DNAT).' },
    { name: 'ctreplsrcport', invert: true, parse: port, help: 'Source port of the reply direction (after DNAT).' },
    { name: 'ctrepldstport', invert: true, parse: port, help: 'Destination port of the reply direction (after SNAT).' },
    { name: 'ctstatus', invert: true, values: ['NONE', ...STATUS_BITS.map(([n]) => n)], parse: ([v]) => parseStatus(v), help: 'Any of: EXPECTED, SEEN_REPLY, ASSURED, CONFIRMED (NONE matches nothing).' },
    { name: 'ctexpire', invert: true, parse: ([v]) => parseExpire(v), help: 'Remaining lifetime in seconds, or a range min:max.' },
    {
      name: 'ctdir', invert: true, values: ['ORIGINAL', 'REPLY'], help: 'The packet travels in the ORIGINAL or the REPLY direction.',
      parse: ([v]) => {
        const d = v.toUpperCase();
        if (d !== 'ORIGINAL' && d !== 'REPLY') throw new OptionError(`conntrack: Bad value for "--ctdir" option: "${v}"`);
        return d;
      },
    },
  ],
  finalize(p) {
    const o: ConntrackOptions = {};
    for (const k of ORDER) {
      const x = p[`ct${k}`];
      if (x) (o as Record<string, unknown>)[k] = { v: x.value, inv: x.inv };
    }
    if (p.ctdir) {
      if (p.ctdir.inv) throw new OptionError('conntrack: option "--ctdir" cannot be inverted.');
      o.dir = p.ctdir.value;
    }
    if (!Object.keys(o).length) throw new OptionError('conntrack: At least one option is required');
    return o;
  },
  match: (_pkt, o, ctx) => failing(o, ctx) === null,
  explain(_pkt, o, ctx) {
    const k = failing(o, ctx);
    const ct = ctx.ct;
    if (k === 'state') return `state ${ctx.ctState}${ct?.snat ? ' (SNAT)' : ''}${ct?.dnat ? ' (DNAT)' : ''} is ${o.state!.inv ? '' : 'not '}in ${value('state', o.state!.v)}`;
    if (k === 'noct') return `the packet has no connection (state ${ctx.ctState})`;
    if (k === 'dir') return `the packet travels in the ${ctx.ctDir} direction, not ${o.dir}`;
    if (!k || !ct) return 'the connection matches';
    const x = o[k]!;
    const have: Record<Key, string> = {
      state: '', proto: String(ct.orig.proto), origsrc: formatIPv4(ct.orig.src), origdst: formatIPv4(ct.orig.dst),
      replsrc: formatIPv4(ct.reply.src), repldst: formatIPv4(ct.reply.dst), origsrcport: String(ct.orig.sport),
      origdstport: String(ct.orig.dport), replsrcport: String(ct.reply.sport), repldstport: String(ct.reply.dport),
      status: value('status', statusOf(ct)), expire: `${expiresOf(ct, ctx.now)} s`,
    };
    return `ct${k} ${have[k]} ${x.inv ? 'matches' : 'does not match'} ${value(k, x.v)}`;
  },
  // Exact but for --ctexpire (time): the tuples, protocol, status and direction are fields of the analysis.
  space(o) {
    if (o.expire) return null;
    let state: Space | null = null;
    if (o.state) {
      const named = o.state.v.filter((s): s is CtStateName => s !== 'SNAT' && s !== 'DNAT');
      const nat = [...(o.state.v.includes('SNAT') ? [1, 3] : []), ...(o.state.v.includes('DNAT') ? [2, 3] : [])];
      const s: Space = {
        any: [{ field: 'ctstate', states: named },
          { all: [{ field: 'ctstate', states: ['NEW', 'RELATED', 'ESTABLISHED'] }, { field: 'ctnat', ranges: nat.map((v) => ({ min: v, max: v })) }] }],
      };
      state = o.state.inv ? { not: s } : s;
    }
    if (!ORDER.slice(1).some((k) => o[k]) && !o.dir) return state ?? { all: [] };
    const clauses: Space[] = [{ field: 'ctstate', states: ['NEW', 'RELATED', 'ESTABLISHED'] }];
    const put = (x: Opt<unknown> | undefined, s: Space) => x && clauses.push(x.inv ? { not: s } : s);
    const range = (r: Range) => [r];
    const addr = (c: CtAddr) => {
      const host = ~c.mask >>> 0;
      return (host & (host + 1)) === 0 ? [{ min: (c.addr & c.mask) >>> 0, max: ((c.addr & c.mask) | host) >>> 0 }] : null;
    };
    if (o.proto) put(o.proto, { field: 'ctproto', ranges: [{ min: o.proto.v, max: o.proto.v }] });
    for (const [k, field] of [['origsrc', 'ctosrc'], ['origdst', 'ctodst'], ['replsrc', 'ctrsrc'], ['repldst', 'ctrdst']] as const) {
      const x = o[k];
      if (!x) continue;
      const r = addr(x.v);
      if (!r) return null; // a mask that is not a prefix is not an interval
      put(x, { field, ranges: r });
    }
    for (const [k, field] of [['origsrcport', 'ctosport'], ['origdstport', 'ctodport'], ['replsrcport', 'ctrsport'], ['repldstport', 'ctrdport']] as const)
      if (o[k]) put(o[k], { field, ranges: range(o[k]!.v) });
    if (o.status) put(o.status, { any: STATUS_BITS.filter(([, b]) => o.status!.v & b).map(([, b]) => ({ field: 'ctstatus', value: b, mask: b })) });
    if (o.dir) clauses.push({ field: 'ctdir', ranges: [{ min: o.dir === 'REPLY' ? 1 : 0, max: o.dir === 'REPLY' ? 1 : 0 }] });
    const tracked: Space = { all: clauses };
    // Without a connection the kernel's match gives whether --ctstate was given (and passed): true with it.
    return state ? { all: [state, { any: [{ field: 'ctstate', states: ['INVALID', 'UNTRACKED'] }, tracked] }] } : tracked;
  },
  save(o) {
    const out = ORDER.filter((k) => o[k]).map((k) => `${not(o[k]!.inv)}--ct${k} ${value(k, o[k]!.v)}`);
    if (o.dir) out.push(`--ctdir ${o.dir}`);
    return out.join(' ');
  },
  list(o) {
    const out = ORDER.filter((k) => o[k]).map((k) => `${not(o[k]!.inv)}ct${k} ${value(k, o[k]!.v)}`);
    if (o.dir) out.push(`ctdir ${o.dir}`);
    return out.join(' ');
  },
  xlate(o, ctx) {
    // Without a connection xt_conntrack decides by --ctstate alone, while every nft ct expression but
    // `ct state` breaks the rule: a packet without one (INVALID, UNTRACKED) that passes --ctstate would
    // match here and not there (kernel-recorded: test/kernel/cases/nft-sim/ctstate-*-invalid-*). --compat
    // keeps iptables-translate's line, which has that difference.
    if (ctx?.flavour === 'idiomatic' && o.state && (o.dir || ORDER.slice(1).some((k) => o[k]) || o.state.v.some((s) => s === 'SNAT' || s === 'DNAT'))
      && (['INVALID', 'UNTRACKED'] as const).some((s) => o.state!.v.includes(s) !== o.state!.inv))
      return { untranslatable: `packets without a connection pass ${o.state.inv ? '! ' : ''}--ctstate ${value('state', o.state.v)} and then match, but nft's ct ${o.state.v.some((s) => s === 'SNAT' || s === 'DNAT') ? 'status needs' : 'keys other than state need'} a connection: the translation would not match them` };
    // In iptables-translate's order: direction, protocol, state, status, expiration, addresses, ports.
    const parts: string[] = [];
    let note: string | undefined;
    const neq = (x: Opt<unknown>) => (x.inv ? '!= ' : '');
    // State and status are flags, negated with `!` (no flag set) in both flavours: `!= a,b` would compare the
    // whole value with a|b (kernel-recorded: test/kernel/cases/nft-equiv/matches-ctstate-negated).
    const not = (x: Opt<unknown>) => (x.inv ? '! ' : '');
    const range = (r: Range) => (r.min === r.max ? String(r.min) : `${r.min}-${r.max}`);
    if (o.dir) parts.push(`ct direction ${o.dir.toLowerCase()}`);
    if (o.proto) parts.push(`ct original protocol ${neq(o.proto)}${o.proto.v}`);
    if (o.state) parts.push(`ct state ${not(o.state)}${value('state', o.state.v.filter((s) => s !== 'SNAT' && s !== 'DNAT')).toLowerCase()}`);
    if (o.state?.v.some((s) => s === 'SNAT' || s === 'DNAT')) {
      const nat = o.state.v.filter((s) => s === 'SNAT' || s === 'DNAT').map((s) => s.toLowerCase()).join(',');
      const mixed = o.state.v.some((s) => s !== 'SNAT' && s !== 'DNAT');
      // Any of the states: a mix is an or of two expressions, which one rule can only say negated (none of them).
      if (mixed && !o.state.inv) return { untranslatable: 'a --ctstate list mixing SNAT/DNAT with states has no single nftables expression' };
      // A flag list matches any of its flags, as the --ctstate list does.
      if (mixed) parts.push(`ct status ${not(o.state)}${nat}`);
      else parts[parts.length - 1] = `ct status ${not(o.state)}${nat}`;
      if (mixed || nat.includes(',')) note = 'iptables-translate 1.8.9 keeps only one of the SNAT/DNAT states of --ctstate and drops the others';
    }
    if (o.status) {
      if (o.status.v === 0) return { untranslatable: '--ctstatus NONE matches no connection' };
      parts.push(`ct status ${not(o.status)}${value('status', o.status.v).toLowerCase().replace('seen_reply', 'seen-reply')}`);
    }
    if (o.expire) parts.push(`ct expiration ${neq(o.expire)}${range(o.expire.v)}`);
    for (const [k, dir, f] of [['origsrc', 'original', 'saddr'], ['origdst', 'original', 'daddr'], ['replsrc', 'reply', 'saddr'], ['repldst', 'reply', 'daddr']] as const) {
      const x = o[k];
      if (x) parts.push(`ct ${dir} ${f} ${neq(x)}${maskToPrefix(x.v.mask) < 0 ? `& ${formatIPv4(x.v.mask)} == ${formatIPv4(x.v.addr & x.v.mask)}` : addr({ addr: (x.v.addr & x.v.mask) >>> 0, mask: x.v.mask })}`);
    }
    if (ctx && !o.proto && !ctx.proto && (o.origsrcport || o.origdstport || o.replsrcport || o.repldstport))
      return { untranslatable: 'nft reads a conntrack port only with its protocol: add --ctproto or -p' };
    for (const [k, dir, f] of [['origsrcport', 'original', 'proto-src'], ['origdstport', 'original', 'proto-dst'], ['replsrcport', 'reply', 'proto-src'], ['repldstport', 'reply', 'proto-dst']] as const) {
      const x = o[k];
      if (x) parts.push(`ct ${dir} ${f} ${neq(x)}${range(x.v)}`);
    }
    return note ? { nft: parts.join(' '), note } : { nft: parts.join(' ') };
  },
};
