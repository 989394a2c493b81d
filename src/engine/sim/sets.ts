// ipset contents from the scenario's "sets" (DESIGN.md section 2), and lookups as `-m set` does them:
// each dimension of the set type takes the source or destination field the rule's flags name.
import { parseCidr, parseIPv4, type Cidr, inCidr } from '../model/addr';
import type { Packet } from '../model/packet';
import type { SetSpec } from '../model/scenario';
import type { MatchContext, SetStore } from '../modules/types';
import { IPPROTO } from '../model/packet';

export type Dim = 'ip' | 'net' | 'port' | 'iface' | 'mac' | 'mark' | 'set';

export interface Value {
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

export interface Member {
  values: Value[];
  nomatch: boolean;
  /// Prefix lengths summed: the most specific member decides (nomatch entries included).
  specificity: number;
}

export interface IpSet {
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
      if (!m || Number(m[2]) > 65535 || Number(m[3] ?? 0) > 65535 || Number(m[3] ?? m[2]) < Number(m[2])) throw bad();
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

/// A bitmap set's `range`: `192.168.0.0-192.168.0.255`, `192.168.0.0/24` (bitmap:ip), `0-1024` (bitmap:port).
function parseBitmapRange(name: string, spec: SetSpec): { min: number; max: number } {
  const r = spec.range;
  if (!r) throw new Error(`set ${name}: ${spec.type} needs a "range"`);
  if (spec.type === 'bitmap:port') {
    const m = /^(\d+)-(\d+)$/.exec(r);
    if (m && Number(m[1]) <= Number(m[2]) && Number(m[2]) <= 65535) return { min: Number(m[1]), max: Number(m[2]) };
  } else {
    const c = parseCidr(r);
    if (c) return { min: c.addr, max: (c.addr | ~c.mask) >>> 0 };
    const [a, b] = r.split('-').map(parseIPv4);
    if (a != null && b != null && a <= b) return { min: a, max: b };
  }
  throw new Error(`set ${name}: bad range "${r}"`);
}

function inBitmap(v: Value, r: { min: number; max: number }): boolean {
  if (v.portMin !== undefined) return v.portMin >= r.min && v.portMax! <= r.max;
  if (v.cidr) return v.cidr.addr >= r.min && ((v.cidr.addr | ~v.cidr.mask) >>> 0) <= r.max;
  if (v.ipMin !== undefined) return v.ipMin >= r.min && v.ipMax! <= r.max;
  return true;
}

function prefixLen(v: Value): number {
  return v.cidr ? 32 - Math.log2((~v.cidr.mask >>> 0) + 1) : 32;
}

/// The scenario's sets, parsed (the analysis reads them too: src/engine/analyze/space-env.ts).
export function readSets(specs: Record<string, SetSpec> | undefined): Map<string, IpSet> {
  const sets = new Map<string, IpSet>();
  for (const [name, spec] of Object.entries(specs ?? {})) {
    const dims = TYPES[spec.type];
    if (!dims) throw new Error(`set ${name}: unknown type "${spec.type}" (${Object.keys(TYPES).join(', ')})`);
    const range = spec.type.startsWith('bitmap:') ? parseBitmapRange(name, spec) : null;
    const members = (spec.members ?? []).map((raw) => {
      const [body, ...flags] = raw.trim().split(/\s+/);
      for (let i = 0; i < flags.length; i++) {
        if (flags[i] === 'nomatch') {
          if (!dims.includes('net')) throw new Error(`set ${name}: member "${raw}": nomatch is only for hash:net types`);
        } else if (['timeout', 'packets', 'bytes', 'comment', 'skbmark', 'skbprio', 'skbqueue'].includes(flags[i]) && i + 1 < flags.length) i++;
        else throw new Error(`set ${name}: member "${raw}": unknown flag "${flags[i]}"`);
      }
      const parts = dims[0] === 'set' ? [body] : body.split(',');
      if (parts.length !== dims.length) throw new Error(`set ${name}: member "${raw}" needs ${dims.length} part(s) for ${spec.type}`);
      const values = parts.map((p, i) => parseValue(dims[i], p, raw));
      if (range) for (const v of values) if (!inBitmap(v, range)) throw new Error(`set ${name}: member "${raw}" is outside the set's range ${spec.range}`);
      return { values, nomatch: flags.includes('nomatch'), specificity: values.reduce((n, v) => n + prefixLen(v), 0) };
    });
    sets.set(name, { name, type: spec.type, dims, members });
  }
  return sets;
}

export function createSetStore(specs: Record<string, SetSpec> | undefined): SetStore {
  const sets = readSets(specs);

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

  /// 'nomatch' when the most specific entry that covers the packet is a nomatch entry.
  const lookup = (name: string, pkt: Packet, dirs: readonly ('src' | 'dst')[], ctx: MatchContext): 'match' | 'nomatch' | 'none' | undefined => {
    const s = sets.get(name);
    if (!s) return undefined;
    if (s.dims[0] === 'set') {
      let nomatch = false;
      for (const m of s.members) {
        const r = lookup(m.values[0].set!, pkt, dirs, ctx);
        if (r === 'match') return 'match';
        if (r === 'nomatch') nomatch = true;
      }
      return nomatch ? 'nomatch' : 'none';
    }
    // Fewer flags than the set has dimensions: the kernel does not match; extra flags are ignored.
    if (dirs.length < s.dims.length) return 'none';
    let best: Member | null = null;
    for (const m of s.members)
      if (m.values.every((v, i) => hit(v, s.dims[i], dirs[i], pkt)) && (!best || m.specificity > best.specificity)) best = m;
    return best === null ? 'none' : best.nomatch ? 'nomatch' : 'match';
  };

  const store: SetStore & { lookup: typeof lookup } = {
    has: (name) => sets.has(name),
    lookup,
    test(name, pkt, dirs, ctx: MatchContext) {
      const r = lookup(name, pkt, dirs, ctx);
      return r === undefined ? undefined : r === 'match';
    },
  };
  return store;
}
