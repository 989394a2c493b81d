// The module contract: one file per match or target, holding everything about it (as netfilter's
// extensions/libxt_*.c do). Options are data; parsing, validation, simulation, save and translation live together.
import type { Packet } from '../model/packet';
import type { Conn, CtDir, CtState } from '../model/conntrack';
import type { Hook, TableName } from '../model/ruleset';
import type { Span } from '../model/span';

export interface OptionSpec {
  /// Long name without dashes: `dport`.
  name: string;
  /// Other accepted spellings without dashes: `destination-port`.
  aliases?: readonly string[];
  /// How many arguments follow (default 1).
  args?: 0 | 1 | 2;
  /// Accepts `!` (before the option, or after it as old iptables did).
  invert?: boolean;
  /// May be given more than once (values are collected into an array).
  repeat?: boolean;
  /// One line for hover help and completion.
  help: string;
  /// Values to offer in completion.
  values?: readonly string[];
  /// Turns the raw arguments into a value; throws OptionError with iptables' wording on bad input.
  parse?: (args: string[]) => unknown;
}

/// An option as given. Its place in the source is the rule's clause (Rule.clauses).
export interface ParsedOption<V = any> {
  value: V;
  inv: boolean;
}

/// Options as given on the rule, keyed by OptionSpec.name.
export type Parsed = Record<string, ParsedOption | undefined>;

/// What a module can see of the rule it sits in while it validates.
export interface RuleHeader {
  table: TableName;
  chain: string;
  proto: number;
  protoInv: boolean;
  /// The hooks the rule's chain can run in (a user chain: every hook that can reach it, best effort).
  hooks: readonly Hook[];
}

/// A bad option value: iptables' own message ("invalid port/service `abc' specified"). The parser adds
/// the span of the option it came from.
export class OptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionError';
  }
}

/// An nftables translation, or the reason there is none.
/// `note`: why the translation knowingly differs from iptables-translate 1.8.9's (which is wrong there).
/// `otherwise` (targets): the statement of a second rule with the same matches, for the packets the
/// first one lets through where the iptables target would have decided (TPROXY without a socket drops).
export type Xlate = { nft: string; note?: string; otherwise?: string } | { untranslatable: string };

/// One use of a match module somewhere in the ruleset (XlateContext.uses).
export interface ModuleUse {
  table: TableName;
  chain: string;
  options: unknown;
}

/// What a translation may need beyond the module's options. src/nft builds it; it is declared here
/// because the engine imports nothing of ours.
export interface XlateContext {
  /// `compat`: what iptables-translate 1.8.9 prints (where that is valid nft); `idiomatic`: what a
  /// person writing nftables would write, with the same behaviour.
  flavour: 'compat' | 'idiomatic';
  table: TableName;
  /// The rule's `-p` (0: any): port and type matches name their protocol from it.
  proto: number;
  protoInv: boolean;
  /// Declares a set (connlimit, hashlimit, recent) or a `ct helper` object the rule needs, in the rule's
  /// table: `body` is what goes between the braces (`type ipv4_addr; flags dynamic;`). Returns the name
  /// to use, made unique from `name` where the flavour numbers them.
  declare(kind: 'set' | 'ct helper', name: string, body: string): string;
  /// The scenario's ipset of that name (its `sets`), when it defines one.
  ipset(name: string): { type: string; members: readonly string[] } | undefined;
  /// The rule's chain.
  chain: string;
  /// Every use of the match module `name` in the whole ruleset, in rule order (recent lists are shared
  /// by name across rules and tables).
  uses(name: string): readonly ModuleUse[];
  /// The hooks the rule's chain runs in: its own, or those of the base chains that reach it (none for a
  /// chain nothing jumps to).
  hooks(): readonly Hook[];
  /// `ct helper set` needs the connection, which conntrack creates after the raw table: true when the
  /// rule's base chains can run after conntrack without any packet telling (src/nft then moves them),
  /// else why not.
  afterConntrack(): true | string;
}

export type AddrType =
  | 'UNSPEC' | 'UNICAST' | 'LOCAL' | 'BROADCAST' | 'ANYCAST' | 'MULTICAST'
  | 'BLACKHOLE' | 'UNREACHABLE' | 'PROHIBIT' | 'THROW' | 'NAT' | 'XRESOLVE';

/// The host as modules see it.
export interface HostView {
  /// addrtype of an address as the routing table classifies it; `iface` limits to routes via that device.
  addrType(addr: number, iface?: string | null): AddrType;
  /// The interface's first address (MASQUERADE), or null.
  primaryAddress(iface: string): number | null;
  /// Link-layer address of an interface.
  mac(iface: string): string;
  /// The routing decision for `dst` (rpfilter's reverse-path lookup): its type, and the device and realm of a
  /// unicast route.
  route?(dst: number): { type: 'local' | 'broadcast' | 'multicast' | 'unicast' | 'unreachable'; route?: { dev: string; realm: number } };
  /// The interface holding a local address (the device of its local route), or null.
  deviceOf?(addr: number): string | null;
  /// An interface's device group (-m devgroup); 0 for one the host does not have.
  group?(iface: string): number;
  /// Some route has a realm (the kernel then tags every packet with its realms).
  readonly realms?: boolean;
}

/// An ipset lookup: `dirs` are the --match-set flags (src,dst ...). undefined when the set does not exist.
export interface SetStore {
  test(name: string, pkt: Packet, dirs: readonly ('src' | 'dst')[], ctx: MatchContext): boolean | undefined;
  has(name: string): boolean;
}

export type RejectWith =
  | 'icmp-net-unreachable' | 'icmp-host-unreachable' | 'icmp-port-unreachable' | 'icmp-proto-unreachable'
  | 'icmp-net-prohibited' | 'icmp-host-prohibited' | 'icmp-admin-prohibited' | 'tcp-reset';

export type NatRequest =
  | { kind: 'dnat' | 'snat'; minAddr: number; maxAddr: number; minPort: number; maxPort: number; random: boolean; persistent: boolean }
  | { kind: 'masquerade'; minPort: number; maxPort: number; random: boolean }
  | { kind: 'redirect'; minPort: number; maxPort: number; random: boolean }
  | { kind: 'netmap'; addr: number; mask: number };

/// Everything a match or target may read or do while a packet is evaluated.
export interface MatchContext {
  hook: Hook;
  /// The table being walked: an iptables TableName, or an nft table's own name under src/nft/sim.
  table: string;
  /// Scenario clock in seconds.
  now: number;
  ctState: CtState;
  ctDir: CtDir;
  /// The packet's connection, null when INVALID or UNTRACKED.
  ct: Conn | null;
  /// Every connection the table holds (connlimit counts them).
  connections(): Iterable<Conn>;
  host: HostView;
  sets: SetStore;
  /// Named state shared across rules (recent lists, hashlimit tables), fresh per simulation run.
  shared<T>(key: string, init: () => T): T;
  /// Reproducible randomness (statistic --mode random, DNAT ranges with --random).
  random(): number;
  /// Targets only: what the kernel would do besides the verdict.
  log(line: string): void;
  reject(kind: RejectWith): void;
  notrack(): void;
  setCtZone(zone: number): void;
  setCtHelper(name: string): void;
  nat(req: NatRequest): void;
  /// Matches only: the packet is malformed for the match (a header too short for it): the kernel drops it
  /// at this rule, whatever its target (xt's hotdrop).
  hotdrop?(): void;
  /// Targets only: send a copy of the packet to `gateway`, out of `oif` when given (TEE, nf_dup_ipv4).
  duplicate?(gateway: number, oif: string | null): void;
  /// Targets only: send a packet the host makes in answer to this one (SYNPROXY's SYN/ACK), carrying this
  /// packet's connection in the reply direction.
  answer?(pkt: Packet, what: string): void;
}

interface ModuleBase<O> {
  name: string;
  /// Hover text.
  help: string;
  options: readonly OptionSpec[];
  /// Validates the given options against iptables' rules (mandatory options, conflicts, the protocol
  /// a port match needs) and builds the module's typed options, defaults filled in. Throws OptionError.
  finalize(parsed: Parsed, rule: RuleHeader): O;
  /// The options as `iptables-save` prints them after `-m name` / `-j NAME` (without those words).
  save(o: O): string;
  /// The module's part of the last column of `iptables -L -n`.
  list(o: O): string;
  /// nftables translation, for the migration preview.
  xlate?(o: O, ctx?: XlateContext): Xlate;
  /// true when the simulator does what the kernel does; otherwise the reason it is only parsed,
  /// which the trace reports where the module is evaluated.
  simulated: true | string;
}

export interface MatchModule<O = any, S = any> extends ModuleBase<O> {
  kind: 'match';
  /// Per-rule runtime state (a token bucket, an nth counter), created fresh for every simulation run.
  createState?(o: O): S;
  match(pkt: Packet, o: O, ctx: MatchContext, state: S): boolean;
  /// Why the packet did not match, in the operator's words ("dport 8443 is not in 1024:65535").
  explain?(pkt: Packet, o: O, ctx: MatchContext): string;
  /// The match depends on history or time (limit, recent ...): analysis says "may" for it.
  stateful?: boolean;
  /// The packets the match can match, as a formula over packet fields, for the exact analysis
  /// (src/engine/analyze). Absent, or null for these options: the analysis says "may" for rules using it.
  space?(o: O, env?: SpaceEnv): Space | null;
}

/// What a match's space may depend on besides its options: the scenario's host and ipsets, when known.
export interface SpaceEnv {
  /// The addresses the host calls `type` (LOCAL, BROADCAST ...), as `addrtype` without an interface limit
  /// sees them; absent when the host is not known.
  addrType?(type: string): readonly { min: number; max: number }[];
  /// The packets a `-m set` lookup finds (null: not expressible; undefined: no such set; absent: sets unknown).
  set?(name: string, dirs: readonly ('src' | 'dst')[], returnNomatch: boolean): Space | null | undefined;
  /// A number standing for a name (helper names), the same for every rule of one analysis.
  atom(kind: string, name: string): number;
}

/// Packet fields the analysis reasons about. `icmp` is type * 256 + code; `fragment` is 1 for a later
/// fragment, 0 otherwise; `ctnat` holds the connection's NAT bits (1 SNAT, 2 DNAT).
export type SpaceField =
  | 'src' | 'dst' | 'proto' | 'sport' | 'dport' | 'icmp' | 'fragment' | 'length' | 'ttl' | 'ctnat'
  // The connection's: direction (0 ORIGINAL, 1 REPLY), protocol, original and reply tuples.
  | 'ctdir' | 'ctproto' | 'ctosrc' | 'ctodst' | 'ctrsrc' | 'ctrdst' | 'ctosport' | 'ctodport' | 'ctrsport' | 'ctrdport'
  // Source MAC as a 48-bit number (2^48: no link-layer header); TCP MSS option (65536: none); the helper
  // that expected the connection (0: none, else SpaceEnv.atom('helper', name)).
  | 'mac' | 'mss' | 'helper';
export type CtStateName = 'INVALID' | 'NEW' | 'RELATED' | 'ESTABLISHED' | 'UNTRACKED';

/// A set of packets: the field's value lies in one of the ranges, the field ANDed with mask equals value,
/// the conntrack state is one of `states`, or a combination.
export type Space =
  | { field: SpaceField; ranges: readonly { min: number; max: number }[] }
  | { field: 'mark' | 'connmark' | 'tcpflags' | 'tos' | 'ctstatus'; value: number; mask: number }
  | { field: 'ctstate'; states: readonly CtStateName[] }
  | { all: readonly Space[] }
  | { any: readonly Space[] }
  | { not: Space };

export type TargetVerdict = 'ACCEPT' | 'DROP' | 'CONTINUE';

export interface TargetModule<O = any> extends ModuleBase<O> {
  kind: 'target';
  /// The tables it may be used in (iptables refuses it elsewhere); all when absent.
  tables?: readonly TableName[];
  /// The built-in chains it may be reached from; all when absent.
  hooks?: readonly Hook[];
  /// What the trace calls it when it decides: "REJECT", "DNAT"; default the verdict itself.
  label?: string;
  /// The target column of `iptables -L` when it is not the name (NOTRACK lists as CT).
  listName?: string;
  apply(pkt: Packet, o: O, ctx: MatchContext): TargetVerdict;
}

export type Module = MatchModule | TargetModule;
