// ipset contents from the scenario's "sets" (DESIGN.md section 2), and lookups as `-m set` does them:
// each dimension of the set type takes the source or destination field the rule's flags name.
import { parseCidr, parseIPv4, type Cidr, inCidr } from '../model/addr';
import type { Packet } from '../model/packet';
import type { SetSpec } from '../model/scenario';
import type { MatchContext, SetStore } from '../modules/types';
import { IPPROTO } from '../model/packet';

type Dim = 'ip' | 'net' | 'port' | 'iface' | 'mac' | 'mark' | 'set';

interface Value {
  cidr?: Cidr;
  ipMin?: number;
  ipMax?: number;
  proto?: number;
  portMin?: number;
  portMax?: number;
  iface?: string;
  mac?: string;
  mark?: number;
  set?: string;
}

interface Member {
  values: Value[];
  nomatch: boolean;
  /// Prefix lengths summed: the most specific member decides (nomatch entries included).
  specificity: number;
}

interface IpSet {
  name: string;
  type: string;
  dims: Dim[];
  members: Member[];
}

const TYPES: Record<string, Dim[]> = {
  'hash:ip': ['ip'], 'hash:net': ['net'], 'hash:mac': ['mac'], 'hash:ip,port': ['ip', 'port'], 'hash:net,port': ['net', 'port'],
  'hash:ip,port,ip': ['ip', 'port', 'ip'], 'hash:ip,port,net': ['ip', 'port', 'net'], 'hash:net,port,net': ['net', 'port', 'net'],
  'hash:net,net': ['net', 'net'], 'hash:net,iface': ['net', 'iface'], 'hash:ip,mark': ['ip', 'mark'], 'hash:ip,mac': ['ip', 'mac'],
  'bitmap:ip': ['ip'], 'bitmap:ip,mac': ['ip', 'mac'], 'bitmap:port': ['port'], 'list:set': ['set'],
};

function parseValue(dim: Dim, text: string, member: string): Value {
  const bad = () => new Error(`"${member}": "${text}" is not a valid ${dim}`);
  switch (dim) {
    case 'ip':
    case 'net': {
      if (text.includes('-')) {
        const [a, b] = text.split('-').map(parseIPv4);
        if (a === null || b === null || a === undefined || b === undefined || a > b) throw bad();
        return { ipMin: a, ipMax: b };
      }
      const c = parseCidr(text);
      if (!c) throw bad();
      return { cidr: c };
    }
    case 'port': {
      const m = /^(?:([a-z]+):)?(\d+)(?:-(\d+))?$/.exec(text);
      if (!m) throw bad();
      const proto = m[1] ? (IPPROTO as Record<string, number>)[m[1]] : 6;
      if (proto === undefined) throw bad();
      return { proto, portMin: Number(m[2]), portMax: Number(m[3] ?? m[2]) };
    }
    case 'iface':
      return { iface: text };
    case 'mac':
      if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(text)) throw bad();
      return { mac: text.toLowerCase() };
    case 'mark':
      if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(text)) throw bad();
      return { mark: Number(text) };
    case 'set':
      return { set: text };
  }
}

function prefixLen(v: Value): number {
  return v.cidr ? 32 - Math.log2((~v.cidr.mask >>> 0) + 1) : 32;
}

export function createSetStore(specs: Record<string, SetSpec> | undefined): SetStore {
  const sets = new Map<string, IpSet>();
  for (const [name, spec] of Object.entries(specs ?? {})) {
    const dims = TYPES[spec.type];
    if (!dims) throw new Error(`set ${name}: unknown type "${spec.type}" (${Object.keys(TYPES).join(', ')})`);
    const members = (spec.members ?? []).map((raw) => {
      const [body, ...flags] = raw.trim().split(/\s+/);
      const parts = dims[0] === 'set' ? [body] : body.split(',');
      if (parts.length !== dims.length) throw new Error(`set ${name}: member "${raw}" needs ${dims.length} part(s) for ${spec.type}`);
      const values = parts.map((p, i) => parseValue(dims[i], p, raw));
      return { values, nomatch: flags.includes('nomatch'), specificity: values.reduce((n, v) => n + prefixLen(v), 0) };
    });
    sets.set(name, { name, type: spec.type, dims, members });
  }

  const field = (dim: Dim, dir: 'src' | 'dst', p: Packet) => {
    switch (dim) {
      case 'ip': case 'net': return dir === 'src' ? p.src : p.dst;
      case 'port': return dir === 'src' ? p.sport : p.dport;
      case 'iface': return dir === 'src' ? p.iif : p.oif;
      case 'mac': return dir === 'src' ? p.macSrc : null;
      case 'mark': return p.mark;
      default: return null;
    }
  };

  const hit = (v: Value, dim: Dim, dir: 'src' | 'dst', p: Packet): boolean => {
    const f = field(dim, dir, p);
    if (v.cidr) return typeof f === 'number' && inCidr(f, v.cidr);
    if (v.ipMin !== undefined) return typeof f === 'number' && f >= v.ipMin && f <= v.ipMax!;
    if (v.portMin !== undefined) return p.proto === v.proto && typeof f === 'number' && f >= v.portMin && f <= v.portMax!;
    if (v.iface !== undefined) return f === v.iface;
    if (v.mac !== undefined) return typeof f === 'string' && f.toLowerCase() === v.mac;
    if (v.mark !== undefined) return f === v.mark;
    return false;
  };

  const store: SetStore = {
    has: (name) => sets.has(name),
    test(name, pkt, dirs, ctx: MatchContext) {
      const s = sets.get(name);
      if (!s) return undefined;
      if (s.dims[0] === 'set') return s.members.some((m) => store.test(m.values[0].set!, pkt, dirs, ctx) === true);
      // A set has as many dimensions as its type; the rule's flags beyond them are ignored, missing ones
      // repeat the last (as ipset does).
      let best: Member | null = null;
      for (const m of s.members)
        if (m.values.every((v, i) => hit(v, s.dims[i], dirs[Math.min(i, dirs.length - 1)], pkt)) && (!best || m.specificity > best.specificity)) best = m;
      return best !== null && !best.nomatch;
    },
  };
  return store;
}
