// Named sets and maps of a table: their declared elements (values, ranges, prefixes, concatenations) and
// the elements rules add at run time (`add @s { ip saddr }`, `update @s { ... timeout 1m }`), which expire.
import type { Val, Datatype } from './datatypes';
import * as T from './datatypes';
import { Cursor, lexRule, type Tok } from './lex';
import { element, expression, keyMatches, partTypes, type Elem } from './expr';
import { TIME } from './selectors';
import type { NftToken } from '../parse/tokens';

/// What a map maps to: a verdict (`vmap`) or a value of a type.
export type MapData = { verdict: string; chain?: string } | Val;

interface Entry {
  key: Elem[];
  data?: MapData;
}

/// An element added by a rule, with its stateful expressions' state (a limit's bucket, a count).
export interface DynEntry {
  vals: Val[];
  /// Scenario seconds after which it is gone; Infinity without a timeout.
  expires: number;
  state: Map<number, unknown>;
}

const TYPES: Record<string, Datatype> = {
  ipv4_addr: T.IPV4, inet_service: T.SERVICE, inet_proto: T.PROTO, ifname: T.IFNAME, mark: T.MARK,
  ether_addr: T.MAC, ct_state: T.CT_STATE, ct_status: T.CT_STATUS, icmp_type: T.ICMP_TYPE, icmp_code: T.ICMP_CODE,
  tcp_flag: T.TCP_FLAGS, pkt_type: T.PKTTYPE, ct_dir: T.CT_DIR, nf_proto: T.NFPROTO, ether_type: T.ETHERTYPE,
  fib_addrtype: T.FIB_ADDRTYPE, day: T.DAY, hour: T.HOUR, string: T.STRING, boolean: T.BOOL, dscp: T.DSCP, ecn: T.ECN,
  integer: T.integer(32), time: TIME,
};
/// Families' other address types: present in declarations, never in an IPv4 packet.
const FOREIGN = new Set(['ipv6_addr', 'arp_op', 'icmpv6_type', 'icmpv6_code', 'icmpx_code']);

export class SimSet {
  keyTypes: Datatype[] = [T.IPV4];
  data: Datatype | 'verdict' | null = null;
  flags = new Set<string>();
  /// Default timeout of added elements, in seconds.
  timeout: number | null = null;
  size = Infinity;
  /// Only foreign types: never matches an IPv4 packet.
  foreign = false;
  private entries: Entry[] = [];
  /// Exact single-value keys, for large sets.
  private exact = new Map<Val, Entry>();
  private dyn = new Map<string, DynEntry>();

  constructor(readonly name: string, readonly kind: 'set' | 'map') {}

  /// Reads a declaration's tokens: `{ type ...; flags ...; timeout ...; elements = { ... } }` (a map:
  /// `type K : V`), or `add element` words appended after `elements`.
  declare(tokens: readonly NftToken[]): void {
    const toks = lexRule(tokens);
    const c = new Cursor(toks, toks[0] ?? { line: 1, column: 1 });
    c.eat('{');
    while (!c.done()) {
      if (c.eat(';') || c.eat('}')) continue;
      const w = c.next('set property');
      switch (w.text) {
        case 'type': this.types(c); break;
        case 'typeof': this.typeOf(c); break;
        case 'flags':
          do this.flags.add(c.next('flag').text);
          while (c.eat(','));
          break;
        case 'timeout': this.timeout = (TIME.parse(c.next('timeout').text, false) as number) / 1000; break;
        case 'gc-interval': case 'policy': case 'comment': case 'auto-merge': c.i += w.text === 'auto-merge' ? 0 : 1; break;
        case 'size': this.size = Number(c.next('size').text); break;
        case 'counter': case 'quota': break;
        case 'elements':
          c.eat('=');
          this.elements(c);
          break;
        default:
          throw c.error(`unknown set property "${w.text}"`, w);
      }
    }
  }

  private types(c: Cursor): void {
    const names: string[] = [];
    do names.push(c.next('type').text);
    while (c.eat('.'));
    if (names.every((n) => FOREIGN.has(n))) this.foreign = true;
    this.keyTypes = names.map((n) => TYPES[n] ?? (FOREIGN.has(n) ? { name: n, string: true, parse: (t: string) => t } : undefined) ?? this.unknown(c, n));
    if (c.eat(':')) {
      const d = c.next('data type').text;
      this.data = d === 'verdict' ? 'verdict' : TYPES[d] ?? this.unknown(c, d);
    }
  }

  private typeOf(c: Cursor): void {
    const e = expression(c);
    if (!e) throw c.error('an expression expected after typeof');
    this.keyTypes = partTypes(e);
    if (c.eat(':')) {
      if (c.eat('verdict')) this.data = 'verdict';
      else {
        const d = expression(c);
        if (!d) throw c.error('a data expression expected');
        this.data = d.dt;
      }
    }
  }

  private unknown(c: Cursor, n: string): never {
    throw c.error(`unknown datatype "${n}"`);
  }

  private elements(c: Cursor): void {
    c.expect('{');
    while (!c.eat('}')) {
      if (c.eat(',')) continue;
      const key = element(c, this.keyTypes, true);
      // Per-element options: `timeout 1h`, `expires 10m`, `comment "x"`, `counter`.
      while (c.is('timeout') || c.is('expires') || c.is('comment') || c.is('counter')) {
        const w = c.next('option').text;
        if (w !== 'counter') c.i++;
      }
      const entry: Entry = { key };
      if (this.kind === 'map' || c.is(':')) {
        c.expect(':');
        entry.data = mapData(c, this.data);
      }
      this.add(entry);
    }
  }

  add(entry: Entry): void {
    this.entries.push(entry);
    const k = entry.key;
    if (k.length === 1 && 'lo' in k[0] && k[0].lo === k[0].hi) this.exact.set(k[0].lo, entry);
    else if (k.length === 1 && 's' in k[0] && !k[0].wild) this.exact.set(k[0].s, entry);
  }

  /// The declared element a key matches, or the added one that has not expired.
  lookup(vals: readonly Val[], now: number): Entry | DynEntry | undefined {
    if (vals.length === 1) {
      const hit = this.exact.get(vals[0]);
      if (hit) return hit;
    }
    if (this.entries.length > this.exact.size) for (const e of this.entries) if (keyMatches(e.key, vals)) return e;
    if (this.dyn.size) return this.live(vals, now);
    return undefined;
  }

  /// A live element added at run time.
  live(vals: readonly Val[], now: number): DynEntry | undefined {
    const k = vals.join('\0');
    const d = this.dyn.get(k);
    if (d && now >= d.expires) {
      this.dyn.delete(k);
      return undefined;
    }
    return d;
  }

  /// `delete @s { ... }` from a rule: an element added at run time goes (declared elements stay: deleting
  /// them from a rule is not modelled).
  remove(vals: readonly Val[]): void {
    this.dyn.delete(vals.join('\0'));
  }

  /// `add`/`update` from a rule: the element, made when absent (null when the set is full).
  touch(vals: readonly Val[], now: number, timeout: number | null, refresh: boolean): DynEntry | null {
    let d = this.live(vals, now);
    const t = timeout ?? this.timeout;
    if (!d) {
      // A declared element counts as present; its state lives with the dynamic copy.
      if (this.dyn.size + this.entries.length >= this.size) return null;
      d = { vals: [...vals], expires: t === null ? Infinity : now + t, state: new Map() };
      this.dyn.set(vals.join('\0'), d);
    } else if (refresh && t !== null) d.expires = now + t;
    return d;
  }
}

/// The data of a map element: a verdict (`accept`, `jump x`) or a value.
export function mapData(c: Cursor, data: Datatype | 'verdict' | null): MapData {
  if (data === 'verdict' || data === null) {
    const v = c.next('verdict');
    if (v.text === 'jump' || v.text === 'goto') return { verdict: v.text, chain: c.next('chain name').text };
    if (['accept', 'drop', 'continue', 'return', 'queue'].includes(v.text)) return { verdict: v.text };
    if (data === 'verdict') throw c.error(`verdict expected, not "${v.text}"`, v);
    c.i--;
  }
  const t: Tok = c.next('value');
  try {
    return (data as Datatype).parse(t.text, t.quoted);
  } catch (e) {
    throw c.error((e as Error).message, t);
  }
}
