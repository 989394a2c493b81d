// The host a scenario describes: its interfaces, addresses and routing table, and the routing decision
// the kernel takes for each packet (local, broadcast, unicast via a device, or unreachable).
import { formatIPv4, inCidr, parseCidr, parseIPv4, prefixToMask, type Cidr } from '../model/addr';
import type { Scenario } from '../model/scenario';
import type { AddrType, HostView } from '../modules/types';

export class ScenarioError extends Error {
  constructor(message: string, public path: string) {
    super(`${path}: ${message}`);
    this.name = 'ScenarioError';
  }
}

export interface HostAddress {
  addr: number;
  prefix: number;
  net: Cidr;
  broadcast: number;
}

export interface HostInterface {
  name: string;
  addresses: HostAddress[];
  mac: string;
  /// Device group (-m devgroup).
  group: number;
}

export interface Route {
  dst: Cidr;
  prefix: number;
  via: number | null;
  dev: string;
  /// Preferred source: the device's address on the route's network, else its first.
  src: number | null;
  /// Routing realm (-m realm): the low 16 bits of the class id of packets it carries.
  realm: number;
}

export type RouteResult =
  | { type: 'local'; dev: string }
  | { type: 'broadcast'; dev: string }
  /// 224.0.0.1 (all hosts) is joined on every interface; no other group is, and nothing routes multicast.
  | { type: 'multicast'; joined: boolean; dev: string }
  | { type: 'unicast'; route: Route }
  | { type: 'unreachable' };

export class Host implements HostView {
  readonly interfaces = new Map<string, HostInterface>();
  readonly routes: Route[] = [];
  readonly forwarding: boolean;
  /// Some route has a realm: the kernel then works out realms for every packet (fib_num_tclassid_users).
  readonly realms: boolean;
  private local = new Set<number>();
  private broadcasts = new Set<number>([0xffffffff]);

  constructor(spec: Scenario['host']) {
    this.forwarding = spec.forwarding ?? false;
    const lo: HostInterface = { name: 'lo', addresses: [address(parseIPv4('127.0.0.1')!, 8)], mac: '00:00:00:00:00:00', group: 0 };
    this.interfaces.set('lo', lo);
    (spec.interfaces ?? []).forEach((ifc, i) => {
      const path = `host.interfaces[${i}]`;
      if (!ifc.name || typeof ifc.name !== 'string') throw new ScenarioError('an interface needs a name', path);
      if (ifc.name === 'lo') throw new ScenarioError('lo is implicit (127.0.0.1/8); leave it out', path);
      if (this.interfaces.has(ifc.name)) throw new ScenarioError(`interface ${ifc.name} is listed twice`, path);
      const addresses = (ifc.addresses ?? []).map((a, k) => {
        const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?$/.exec(a);
        const ip = m ? parseIPv4(m[1]) : null;
        const prefix = m?.[2] === undefined ? 32 : Number(m[2]);
        if (ip === null || prefix > 32) throw new ScenarioError(`"${a}" is not an IPv4 address with a prefix (like 10.0.0.1/24)`, `${path}.addresses[${k}]`);
        return address(ip, prefix);
      });
      const group = ifc.group ?? 0;
      if (!Number.isInteger(group) || group < 0 || group > 0xffffffff) throw new ScenarioError(`group ${String(ifc.group)} is not a number 0-4294967295`, `${path}.group`);
      this.interfaces.set(ifc.name, { name: ifc.name, addresses, mac: ifc.mac ?? `02:00:00:00:00:${(i + 1).toString(16).padStart(2, '0')}`, group });
    });
    for (const ifc of this.interfaces.values())
      for (const a of ifc.addresses) {
        this.local.add(a.addr);
        if (a.prefix < 31) this.broadcasts.add(a.broadcast);
        if (ifc.name !== 'lo') this.routes.push({ dst: a.net, prefix: a.prefix, via: null, dev: ifc.name, src: a.addr, realm: 0 });
      }
    (spec.routes ?? []).forEach((r, i) => {
      const path = `host.routes[${i}]`;
      const dst = r.to === 'default' ? { addr: 0, mask: 0 } : parseCidr(r.to);
      if (!dst) throw new ScenarioError(`"${r.to}" is not "default" or a network like 10.0.0.0/8`, path);
      const via = r.via === undefined ? null : parseIPv4(r.via);
      if (r.via !== undefined && via === null) throw new ScenarioError(`via "${r.via}" is not an IPv4 address`, path);
      let dev = r.dev;
      if (!dev && via !== null) dev = this.routes.find((c) => c.via === null && inCidr(via, c.dst))?.dev;
      if (!dev) throw new ScenarioError(`no interface reaches ${r.via ?? r.to}: give "dev"`, path);
      if (!this.interfaces.has(dev)) throw new ScenarioError(`interface ${dev} is not in host.interfaces`, path);
      const ifc = this.interfaces.get(dev)!;
      const src = (via !== null ? ifc.addresses.find((a) => inCidr(via, a.net)) : undefined)?.addr ?? ifc.addresses[0]?.addr ?? null;
      // `ip route ... realm N` takes 0-255 (or a name from /etc/iproute2/rt_realms).
      const realm = r.realm ?? 0;
      if (!Number.isInteger(realm) || realm < 0 || realm > 255) throw new ScenarioError(`realm ${String(r.realm)} is not a number 0-255`, `${path}.realm`);
      this.routes.push({ dst, prefix: 32 - Math.log2((~dst.mask >>> 0) + 1), via, dev, src, realm });
    });
    this.realms = this.routes.some((r) => r.realm !== 0);
    // Longest prefix first; among equals the first listed wins, as with `ip route` metrics left equal.
    this.routes.sort((a, b) => b.prefix - a.prefix);
  }

  isLocal(addr: number): boolean {
    return this.local.has(addr) || addr >>> 24 === 127;
  }

  /// The kernel's fib lookup, reduced to what a scenario can say.
  route(dst: number): RouteResult {
    if (this.isLocal(dst)) return { type: 'local', dev: 'lo' };
    if (dst >>> 28 === 14) {
      // Sent multicast leaves by the unicast route that covers it (usually the default route).
      const r = this.routes.find((x) => inCidr(dst, x.dst));
      return { type: 'multicast', joined: dst === 0xe0000001, dev: r?.dev ?? this.firstDevice() };
    }
    if (this.broadcasts.has(dst)) {
      const dev = [...this.interfaces.values()].find((i) => i.addresses.some((a) => a.broadcast === dst))?.name;
      return { type: 'broadcast', dev: dev ?? this.firstDevice() };
    }
    for (const r of this.routes) if (inCidr(dst, r.dst)) return { type: 'unicast', route: r };
    return { type: 'unreachable' };
  }

  /// The source address the kernel picks for a packet it sends to `dst` (ICMP errors, resets).
  sourceFor(dst: number): number | null {
    const r = this.route(dst);
    if (r.type === 'local') return dst;
    if (r.type === 'unicast') return r.route.src;
    return null;
  }

  addrType(addr: number, iface?: string | null): AddrType {
    if (iface) {
      const ifc = this.interfaces.get(iface);
      if (!ifc) return 'UNICAST';
      if (ifc.addresses.some((a) => a.addr === addr)) return 'LOCAL';
      if (ifc.addresses.some((a) => a.prefix < 31 && a.broadcast === addr) || addr === 0xffffffff) return 'BROADCAST';
    } else {
      if (this.isLocal(addr)) return 'LOCAL';
      if (this.broadcasts.has(addr)) return 'BROADCAST';
    }
    if (addr >>> 28 === 14) return 'MULTICAST';
    if (addr === 0) return 'BROADCAST'; // the kernel's fib calls 0.0.0.0 a broadcast address
    return this.route(addr).type === 'unreachable' && !iface ? 'UNREACHABLE' : 'UNICAST';
  }

  /// Is `addr` on one of the interface's own networks?
  onLink(iface: string, addr: number): boolean {
    return this.interfaces.get(iface)?.addresses.some((a) => inCidr(addr, a.net)) ?? false;
  }

  /// The interface that holds `addr` (its local route's device), or null.
  deviceOf(addr: number): string | null {
    for (const ifc of this.interfaces.values()) if (ifc.addresses.some((a) => a.addr === addr)) return ifc.name;
    return addr >>> 24 === 127 ? 'lo' : null;
  }

  group(iface: string): number {
    return this.interfaces.get(iface)?.group ?? 0;
  }

  primaryAddress(iface: string): number | null {
    return this.interfaces.get(iface)?.addresses[0]?.addr ?? null;
  }

  mac(iface: string): string {
    return this.interfaces.get(iface)?.mac ?? '00:00:00:00:00:00';
  }

  describe(addr: number): string {
    return formatIPv4(addr);
  }

  private firstDevice(): string {
    return [...this.interfaces.keys()].find((n) => n !== 'lo') ?? 'lo';
  }
}

function address(addr: number, prefix: number): HostAddress {
  const mask = prefixToMask(prefix);
  return { addr, prefix, net: { addr: (addr & mask) >>> 0, mask }, broadcast: ((addr & mask) | (~mask >>> 0)) >>> 0 };
}
