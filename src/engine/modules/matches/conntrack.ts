// -m conntrack: the connection the packet belongs to (libxt_conntrack, revision 3): its state, status,
// original and reply tuples, remaining lifetime and the packet's direction.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { formatIPv4, inCidr, maskToPrefix, type Cidr } from '../../model/addr';
import { formatRange, inRange, not, parseAddress, parseNameList, parsePortRange, parseUint, type Range } from '../values';
import { parseProtocol } from '../protocols';
import { timeoutOf } from '../../sim/conntrack';

const STATES = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'] as const;
const STATUSES = ['NONE', 'EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED'] as const;
type State = (typeof STATES)[number];
type Status = (typeof STATUSES)[number];

interface Opt<T> {
  v: T;
  inv: boolean;
}

export interface ConntrackOptions {
  state?: Opt<State[]>;
  proto?: Opt<number>;
  origsrc?: Opt<Cidr>;
  origdst?: Opt<Cidr>;
  replsrc?: Opt<Cidr>;
  repldst?: Opt<Cidr>;
  origsrcport?: Opt<Range>;
  origdstport?: Opt<Range>;
  replsrcport?: Opt<Range>;
  repldstport?: Opt<Range>;
  status?: Opt<Status[]>;
  expire?: Opt<Range>;
  dir?: 'ORIGINAL' | 'REPLY';
}

/// Saved and listed in this order, each printed as iptables does (addresses without /32, lists in fixed order).
const ORDER = ['state', 'proto', 'origsrc', 'origdst', 'replsrc', 'repldst', 'origsrcport', 'origdstport', 'replsrcport', 'repldstport', 'status', 'expire'] as const;

function addr(c: Cidr): string {
  const p = maskToPrefix(c.mask);
  return p === 32 ? formatIPv4(c.addr) : `${formatIPv4(c.addr)}/${p < 0 ? formatIPv4(c.mask) : p}`;
}

function value(key: (typeof ORDER)[number], v: unknown): string {
  switch (key) {
    case 'state':
      return STATES.filter((s) => (v as State[]).includes(s)).join(',');
    case 'status':
      return STATUSES.filter((s) => (v as Status[]).includes(s)).join(',');
    case 'proto':
      return String(v);
    case 'origsrc': case 'origdst': case 'replsrc': case 'repldst':
      return addr(v as Cidr);
    default:
      return formatRange(v as Range);
  }
}

const cidr = ([v]: string[]) => parseAddress(v);
const port = ([v]: string[]) => parsePortRange(v);

export const conntrack: MatchModule<ConntrackOptions> = {
  kind: 'match',
  name: 'conntrack',
  help: 'Match the connection tracking entry of the packet: state, status, original and reply addresses and ports.',
  simulated: true,
  options: [
    { name: 'ctstate', invert: true, values: STATES, parse: ([v]) => parseNameList(v, STATES, 'ctstate value'), help: 'States: INVALID, NEW, ESTABLISHED, RELATED, UNTRACKED, SNAT, DNAT.' },
    { name: 'ctproto', invert: true, parse: ([v]) => parseProtocol(v), help: 'Layer-4 protocol of the connection.' },
    { name: 'ctorigsrc', invert: true, parse: cidr, help: 'Source address of the original direction.' },
    { name: 'ctorigdst', invert: true, parse: cidr, help: 'Destination address of the original direction (before DNAT).' },
    { name: 'ctreplsrc', invert: true, parse: cidr, help: 'Source address of the reply direction (after DNAT).' },
    { name: 'ctrepldst', invert: true, parse: cidr, help: 'Destination address of the reply direction (after SNAT).' },
    { name: 'ctorigsrcport', invert: true, parse: port, help: 'Source port of the original direction.' },
    { name: 'ctorigdstport', invert: true, parse: port, help: 'Destination port of the original direction (before DNAT).' },
    { name: 'ctreplsrcport', invert: true, parse: port, help: 'Source port of the reply direction.' },
    { name: 'ctrepldstport', invert: true, parse: port, help: 'Destination port of the reply direction.' },
    { name: 'ctstatus', invert: true, values: STATUSES, parse: ([v]) => parseNameList(v, STATUSES, 'ctstatus value'), help: 'Status: NONE, EXPECTED, SEEN_REPLY, ASSURED, CONFIRMED.' },
    {
      name: 'ctexpire', invert: true, help: 'Remaining lifetime in seconds, or a range min:max.',
      parse: ([v]) => {
        const [a, b] = v.split(':');
        const min = parseUint(a, 0xffffffff, 'ctexpire value'), max = b === undefined ? min : parseUint(b, 0xffffffff, 'ctexpire value');
        if (min > max) throw new OptionError(`Bad ctexpire value "${v}"`);
        return { min, max };
      },
    },
    { name: 'ctdir', values: ['ORIGINAL', 'REPLY'], parse: ([v]) => {
      const d = v.toUpperCase();
      if (d !== 'ORIGINAL' && d !== 'REPLY') throw new OptionError(`Unknown --ctdir "${v}"`);
      return d;
    }, help: 'The packet travels in the ORIGINAL or the REPLY direction.' },
  ],
  finalize(p) {
    const o: ConntrackOptions = {};
    const take = <K extends keyof ConntrackOptions>(k: K, name: string) => {
      const x = p[name];
      if (x) (o as Record<string, unknown>)[k] = { v: x.value, inv: x.inv };
    };
    ORDER.forEach((k) => take(k, `ct${k}`));
    if (p.ctdir) o.dir = p.ctdir.value;
    if (!Object.keys(o).length) throw new OptionError('conntrack match: you must specify at least one option');
    return o;
  },
  match(pkt, o, ctx) {
    const ct = ctx.ct;
    if (o.state) {
      let hit = o.state.v.includes(ctx.ctState as State);
      if (!hit && ct) hit = (o.state.v.includes('SNAT') && ct.snat) || (o.state.v.includes('DNAT') && ct.dnat);
      if (hit === o.state.inv) return false;
    }
    // Every other clause needs a connection: without one it does not match, negated or not.
    const rest = ORDER.slice(1).some((k) => o[k]) || o.dir;
    if (!rest) return true;
    if (!ct) return false;
    const test = (x: Opt<unknown> | undefined, f: (v: never) => boolean) => !x || f(x.v as never) !== x.inv;
    return (
      test(o.proto, (v: number) => ct.orig.proto === v) &&
      test(o.origsrc, (v: Cidr) => inCidr(ct.orig.src, v)) &&
      test(o.origdst, (v: Cidr) => inCidr(ct.orig.dst, v)) &&
      test(o.replsrc, (v: Cidr) => inCidr(ct.reply.src, v)) &&
      test(o.repldst, (v: Cidr) => inCidr(ct.reply.dst, v)) &&
      test(o.origsrcport, (v: Range) => inRange(ct.orig.sport, v)) &&
      test(o.origdstport, (v: Range) => inRange(ct.orig.dport, v)) &&
      test(o.replsrcport, (v: Range) => inRange(ct.reply.sport, v)) &&
      test(o.repldstport, (v: Range) => inRange(ct.reply.dport, v)) &&
      test(o.status, (v: Status[]) =>
        v.some((s) => (s === 'NONE' ? !ct.expected && !ct.seenReply && !ct.assured && !ct.confirmed
          : s === 'EXPECTED' ? ct.expected : s === 'SEEN_REPLY' ? ct.seenReply : s === 'ASSURED' ? ct.assured : ct.confirmed))) &&
      test(o.expire, (v: Range) => inRange(Math.max(0, Math.ceil(timeoutOf(ct) - (ctx.now - ct.lastSeen))), v)) &&
      (!o.dir || ctx.ctDir === o.dir)
    );
  },
  explain(pkt, o, ctx) {
    if (o.state) return `state ${ctx.ctState ?? 'none'} is ${o.state.inv ? '' : 'not '}in ${value('state', o.state.v)}`;
    return ctx.ct ? 'the connection does not match' : 'the packet has no connection';
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
  xlate(o) {
    const parts: string[] = [];
    if (o.state) parts.push(`ct state ${o.state.inv ? '!= ' : ''}${value('state', o.state.v).toLowerCase()}`);
    if (o.status) parts.push(`ct status ${o.status.inv ? '!= ' : ''}${value('status', o.status.v).toLowerCase().replace('seen_reply', 'seen-reply')}`);
    if (o.dir) parts.push(`ct direction ${o.dir.toLowerCase()}`);
    if (ORDER.slice(1).some((k) => k !== 'status' && o[k])) return { untranslatable: 'conntrack tuple options are translated in a later version' };
    return { nft: parts.join(' ') };
  },
};
