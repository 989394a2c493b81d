// -m set --match-set NAME src[,dst...]: the packet is in an ipset (xt_set, revision 4). Set contents come
// from the scenario's "sets"; each flag names the packet field (source or destination) for one dimension.
import type { MatchContext, MatchModule } from '../types';
import { OptionError } from '../types';
import type { Packet } from '../../model/packet';

type Dir = 'src' | 'dst';
type Cmp = 'eq' | 'lt' | 'gt';

export interface SetMatchOptions {
  name: string;
  dirs: Dir[];
  inv: boolean;
  returnNomatch: boolean;
  /// `! --update-counters` / `! --update-subcounters`: the set's counters are left alone.
  noCounters: boolean;
  noSubcounters: boolean;
  /// Conditions on the element's counters (sets created with `counters`): not simulated.
  packets: { cmp: Cmp; value: string; inv: boolean } | null;
  bytes: { cmp: Cmp; value: string; inv: boolean } | null;
}

/// What sets.ts can tell beyond yes/no: the element was found but is a `nomatch` entry.
type Lookup = 'match' | 'nomatch' | 'none';
interface DetailedStore {
  lookup(name: string, pkt: Packet, dirs: readonly Dir[], ctx: MatchContext): Lookup | undefined;
}

function lookup(pkt: Packet, o: SetMatchOptions, ctx: MatchContext): Lookup | undefined {
  const s = ctx.sets as Partial<DetailedStore> & MatchContext['sets'];
  if (typeof s.lookup === 'function') return s.lookup(o.name, pkt, o.dirs, ctx);
  const r = s.test(o.name, pkt, o.dirs, ctx);
  return r === undefined ? undefined : r ? 'match' : 'none';
}

const COUNTERS = ['packets-eq', 'packets-lt', 'packets-gt', 'bytes-eq', 'bytes-lt', 'bytes-gt'] as const;

function counter() {
  return ([v]: string[]) => {
    if (!/^\d+$/.test(v)) throw new OptionError(`Cannot parse ${v} as a counter value`);
    return v;
  };
}

function pickCounter(p: Record<string, { value: string; inv: boolean } | undefined>, kind: 'packets' | 'bytes') {
  const given = COUNTERS.filter((c) => c.startsWith(kind) && p[c]);
  if (given.length > 1) throw new OptionError(`only one of the --${kind}-[eq|lt|gt] is allowed`);
  if (!given.length) return null;
  const name = given[0], x = p[name]!;
  const cmp = name.slice(kind.length + 1) as Cmp;
  if (x.inv && cmp !== 'eq') throw new OptionError(`--${name} option cannot be inverted`);
  return { cmp, value: x.value, inv: x.inv };
}

export const set: MatchModule<SetMatchOptions> = {
  kind: 'match',
  name: 'set',
  help: 'Match packets whose addresses, ports or interfaces are in an ipset (define the set in the scenario).',
  simulated: true,
  options: [
    {
      name: 'match-set', aliases: ['set'], args: 2, invert: true, help: 'NAME and the field of each dimension: src or dst, comma-separated (src,dst).',
      parse: ([name, flags]) => {
        const dirs = flags.split(',');
        if (dirs.some((d) => d !== 'src' && d !== 'dst')) throw new OptionError("You must spefify (the comma separated list of) 'src' or 'dst'.");
        if (dirs.length > 6) throw new OptionError("Can't be more src/dst options than 6.");
        return { name, dirs };
      },
    },
    { name: 'return-nomatch', args: 0, invert: true, help: 'Also match when the element is found as a nomatch entry.' },
    { name: 'update-counters', args: 0, invert: true, help: '! --update-counters: leave the set\'s counters alone.' },
    { name: 'update-subcounters', args: 0, invert: true, help: '! --update-subcounters: leave the member sets\' counters alone (list:set).' },
    ...COUNTERS.map((name) => ({ name, invert: true, parse: counter(), help: `The element's ${name.replace('-', ' counter ')} value (sets with counters; not simulated).` })),
  ],
  finalize(p) {
    const m = p['match-set'];
    if (!m) throw new OptionError("You must specify `--match-set' with proper arguments");
    if (p['return-nomatch']?.inv) throw new OptionError('--return-nomatch flag cannot be inverted');
    return {
      name: m.value.name, dirs: m.value.dirs, inv: m.inv, returnNomatch: !!p['return-nomatch'],
      noCounters: !!p['update-counters']?.inv, noSubcounters: !!p['update-subcounters']?.inv,
      packets: pickCounter(p, 'packets'), bytes: pickCounter(p, 'bytes'),
    };
  },
  match(pkt, o, ctx) {
    const r = lookup(pkt, o, ctx);
    // A set the scenario does not define: the kernel would refuse the rule; nothing matches it here.
    if (r === undefined) return false;
    const hit = r === 'match' || (r === 'nomatch' && o.returnNomatch);
    return hit !== o.inv;
  },
  explain(pkt, o, ctx) {
    const r = lookup(pkt, o, ctx);
    if (r === undefined) return `set ${o.name} is not defined in the scenario's sets`;
    const what = o.dirs.join(',');
    if (r === 'nomatch' && !o.inv) return `the packet's ${what} is a nomatch entry of set ${o.name}`;
    return `the packet's ${what} ${o.inv ? 'is' : 'is not'} in set ${o.name}`;
  },
  // Exact when the scenario holds the set's members; counter conditions depend on history (may).
  space(o, env) {
    if (!env?.set || o.packets || o.bytes) return null;
    const s = env.set(o.name, o.dirs, o.returnNomatch);
    // A set the scenario does not define matches nothing, negated or not (see match).
    if (s === undefined) return { any: [] };
    return s && o.inv ? { not: s } : s;
  },
  save(o) {
    const out = [`${o.inv ? '! ' : ''}--match-set ${o.name} ${o.dirs.join(',')}`];
    if (o.returnNomatch) out.push('--return-nomatch');
    if (o.noCounters) out.push('! --update-counters');
    if (o.noSubcounters) out.push('! --update-subcounters');
    if (o.packets) out.push(`${o.packets.inv ? '! ' : ''}--packets-${o.packets.cmp} ${o.packets.value}`);
    if (o.bytes) out.push(`${o.bytes.inv ? '! ' : ''}--bytes-${o.bytes.cmp} ${o.bytes.value}`);
    return out.join(' ');
  },
  list(o) {
    const out = [`${o.inv ? '! ' : ''}match-set ${o.name} ${o.dirs.join(',')}`];
    if (o.returnNomatch) out.push('return-nomatch');
    if (o.noCounters) out.push('! update-counters');
    if (o.noSubcounters) out.push('! update-subcounters');
    if (o.packets) out.push(`${o.packets.inv ? '! ' : ''}packets-${o.packets.cmp} ${o.packets.value}`);
    if (o.bytes) out.push(`${o.bytes.inv ? '! ' : ''}bytes-${o.bytes.cmp} ${o.bytes.value}`);
    return out.join(' ');
  },
  xlate(o, ctx) {
    if (o.packets || o.bytes || o.returnNomatch) return { untranslatable: 'ipset counters and nomatch entries have no nftables set equivalent' };
    const info = ctx?.ipset(o.name);
    const dims = info ? info.type.split(':')[1].split(',') : o.dirs.length === 1 ? ['net'] : null;
    if (!dims || info?.type === 'list:set' || o.dirs.length < dims.length)
      return { untranslatable: `set ${o.name}: its type must be known to build the key (define it in the scenario's sets)` };
    const l4 = ({ 6: 'tcp', 17: 'udp', 132: 'sctp' } as Record<number, string>)[ctx?.proto ?? 0] ?? 'th';
    const fields: Record<string, [(d: Dir) => string, string]> = {
      ip: [(d) => `ip ${d === 'src' ? 's' : 'd'}addr`, 'ipv4_addr'], net: [(d) => `ip ${d === 'src' ? 's' : 'd'}addr`, 'ipv4_addr'],
      port: [(d) => `${l4} ${d === 'src' ? 'sport' : 'dport'}`, 'inet_service'],
      iface: [(d) => (d === 'src' ? 'iifname' : 'oifname'), 'ifname'], mac: [() => 'ether saddr', 'ether_addr'], mark: [() => 'meta mark', 'mark'],
    };
    if (dims.some((d) => !fields[d])) return { untranslatable: `set ${o.name}: ${info?.type} has no nftables key` };
    const members = info?.members ?? [];
    if (members.some((m) => /\snomatch$/.test(m))) return { untranslatable: `set ${o.name}: nomatch entries have no nftables equivalent` };
    // The element as nft writes it: `tcp:80` is port 80, MACs in lower case.
    const elem = (m: string) => m.split(',').map((v, i) => (dims[i] === 'port' ? v.replace(/^\w+:/, '') : dims[i] === 'mac' ? v.toLowerCase() : v)).join(' . ');
    const interval = dims.includes('net') || members.some((m) => /[/-]/.test(m));
    const body = `type ${dims.map((d) => fields[d][1]).join(' . ')};${interval ? ' flags interval;' : ''}${members.length ? ` elements = { ${members.map(elem).join(', ')} };` : ''}`;
    // ipset names allow what nft names do not (weave's `weave-;rGq...`).
    const valid = /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(o.name);
    const base = valid ? o.name : `ipset_${o.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    const name = ctx ? ctx.declare('set', base, body) : base;
    const key = dims.map((d, i) => fields[d][0](o.dirs[i])).join(' . ');
    const nft = `${key} ${o.inv ? '!= ' : ''}@${name}`;
    const why = `iptables-translate 1.8.9 leaves -m set untranslated${valid ? '' : `; ipset ${o.name} is called ${base} (nft cannot read that name)`}${info ? '' : `; set ${base} is declared empty: fill it with the ipset's members`}`;
    return { nft, note: why };
  },
};
