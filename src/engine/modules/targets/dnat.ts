// -j DNAT: rewrite the destination of a connection's first packet, and so of the whole connection
// (libxt_NAT, revision 2). nat table, PREROUTING and OUTPUT.
import type { Packet } from '../../model/packet';
import type { RuleHeader, TargetModule } from '../types';
import { OptionError } from '../types';
import { formatIPv4, parseIPv4 } from '../../model/addr';
import { isDigits } from '../values';

/// An address and port range as --to-destination / --to-source take them: addr[-addr][:port[-port[/base]]].
export interface NatRange {
  /// null for `:port` alone (the address is kept).
  minAddr: number | null;
  maxAddr: number | null;
  minPort: number | null;
  maxPort: number | null;
  /// Revision 2's base port for port shifting (`:1000-2000/1500`).
  base: number | null;
}

/// The protocols whose ports NAT can change; iptables refuses a port range for any other.
const PORT_PROTOS = [6, 17, 132, 33, 1];

function natPort(text: string): number {
  if (!isDigits(text) || Number(text) > 65535) throw new OptionError(`Port \`${text}' not valid`);
  return Number(text);
}

export function parseNatRange(text: string): NatRange {
  const colon = text.indexOf(':');
  const addrs = colon < 0 ? text : text.slice(0, colon);
  const r: NatRange = { minAddr: null, maxAddr: null, minPort: null, maxPort: null, base: null };
  if (addrs) {
    const [a, b, extra] = addrs.includes('-') ? addrs.split('-') : [addrs];
    const min = parseIPv4(a);
    if (min === null) throw new OptionError(`Bad IP address "${a}"`);
    const max = b === undefined ? min : parseIPv4(b);
    if (max === null || extra !== undefined) throw new OptionError(`Bad IP address "${b}"`);
    r.minAddr = min;
    r.maxAddr = max;
  }
  if (colon >= 0) {
    const ports = text.slice(colon + 1);
    // Nearly always one port: no range, no base.
    const m = ports.includes('-') || ports.includes('/') ? /^([^-/]*)(?:-([^/]*)(?:\/(.*))?)?(.*)$/.exec(ports)! : [ports, ports];
    if (m[4]) throw new OptionError(`Garbage after port value: \`${m[4]}'`);
    r.minPort = natPort(m[1]);
    r.maxPort = m[2] === undefined ? r.minPort : natPort(m[2]);
    if (r.maxPort < r.minPort) throw new OptionError(`Port range \`${m[2]}' funky`);
    if (m[3] !== undefined) r.base = natPort(m[3]);
  }
  return r;
}

export function formatNatRange(r: NatRange): string {
  let s = '';
  if (r.minAddr !== null) {
    s = formatIPv4(r.minAddr);
    if (r.maxAddr !== r.minAddr) s += `-${formatIPv4(r.maxAddr!)}`;
  }
  if (r.minPort !== null) {
    s += `:${r.minPort}`;
    if (r.maxPort !== r.minPort) s += `-${r.maxPort}`;
    if (r.base !== null) s += `/${r.base}`;
  }
  return s;
}

/// Port ranges need a protocol with ports, as iptables checks.
export function checkPorts(hasPorts: boolean, rule: RuleHeader): void {
  if (hasPorts && (!PORT_PROTOS.includes(rule.proto) || rule.protoInv))
    throw new OptionError('Need TCP, UDP, SCTP or DCCP with port specification');
}

export interface NatOptions {
  range: NatRange;
  random: boolean;
  randomFully: boolean;
  persistent: boolean;
}

/// The NAT request for a packet: a range without addresses keeps the packet's own address.
export function natRequest(kind: 'dnat' | 'snat', o: NatOptions, pkt: Packet) {
  const keep = kind === 'dnat' ? pkt.dst : pkt.src;
  return {
    kind, minAddr: o.range.minAddr ?? keep, maxAddr: o.range.maxAddr ?? keep,
    minPort: o.range.minPort ?? 0, maxPort: o.range.maxPort ?? 0,
    random: o.random || o.randomFully, persistent: o.persistent,
  } as const;
}

export function natFlags(o: NatOptions, style: 'save' | 'list' | 'nft'): string[] {
  const out: string[] = [];
  if (o.random) out.push(style === 'save' ? '--random' : 'random');
  if (o.randomFully) out.push(style === 'save' ? '--random-fully' : style === 'nft' ? 'fully-random' : 'random-fully');
  if (o.persistent) out.push(style === 'save' ? '--persistent' : 'persistent');
  return out;
}

export function xlateNat(verb: string, o: NatOptions) {
  if (o.range.base !== null) return { untranslatable: 'nftables has no base port for shifting a port range (/base)' };
  const r = formatNatRange(o.range);
  const nft = r ? `${verb} to ${r}` : verb;
  // Flags are rare: no array for the rules without them (kube-proxy dumps DNAT every endpoint).
  return { nft: o.random || o.randomFully || o.persistent ? `${nft} ${natFlags(o, 'nft').join(',')}` : nft };
}

export const dnat: TargetModule<NatOptions> = {
  kind: 'target',
  name: 'DNAT',
  help: "Rewrite the destination address (and port) of the connection's first packet; replies are rewritten back.",
  simulated: true,
  label: 'DNAT',
  tables: ['nat'],
  hooks: ['PREROUTING', 'OUTPUT'],
  options: [
    { name: 'to-destination', aliases: ['to'], parse: ([v]) => parseNatRange(v), help: 'addr[-addr][:port[-port]]: the new destination.' },
    { name: 'random', args: 0, help: 'Randomize the port mapping.' },
    { name: 'persistent', args: 0, help: 'Give a client the same address for every connection.' },
  ],
  finalize(p, rule) {
    const to = p['to-destination'];
    if (!to) throw new OptionError('DNAT: option "--to-destination" must be specified');
    checkPorts(to.value.minPort !== null, rule);
    return { range: to.value, random: !!p.random, randomFully: false, persistent: !!p.persistent };
  },
  apply(pkt, o, ctx) {
    ctx.nat(natRequest('dnat', o, pkt));
    return 'ACCEPT';
  },
  save: (o) => [`--to-destination ${formatNatRange(o.range)}`, ...natFlags(o, 'save')].join(' '),
  list: (o) => [`to:${formatNatRange(o.range)}`, ...natFlags(o, 'list')].join(' '),
  xlate: (o) => xlateNat('dnat', o),
};
