/// The scenario format of DESIGN.md section 2 (fixed: URLs and the CLI carry it).

export interface InterfaceSpec {
  name: string;
  addresses: string[];
  /// Optional link-layer address; the engine makes one up when absent.
  mac?: string;
}

export interface RouteSpec {
  to: string; // "default" or a CIDR
  via?: string;
  dev?: string;
}

export interface PacketSpec {
  from: string; // an interface name or "local"
  src: string;
  dst: string;
  proto: string | number;
  sport?: number;
  dport?: number;
  flags?: string[];
  icmpType?: string | number;
  icmpCode?: number;
  inner?: { src: string; dst: string; proto: string | number; sport?: number; dport?: number; icmpId?: number };
  length?: number;
  ttl?: number;
  tos?: number;
  /// Extensions (readers ignore unknown keys): seconds since the scenario started, link-layer source,
  /// owner of a local packet, payload text for -m string.
  time?: number;
  mac?: string;
  uid?: number;
  gid?: number;
  payload?: string;
  tcpOptions?: number[];
  /// The MSS option's value when tcpOptions has kind 2 (default 1460).
  mss?: number;
  icmpId?: number;
  icmpSeq?: number;
  /// A later fragment: offset in 8-byte units (`-f` matches it).
  fragOffset?: number;
  moreFragments?: boolean;
}

export interface SetSpec {
  type: string;
  members: string[];
  range?: string;
}

export interface Scenario {
  version: 1;
  host: {
    interfaces: InterfaceSpec[];
    routes?: RouteSpec[];
    forwarding?: boolean;
  };
  rules: string;
  packets: PacketSpec[];
  sets?: Record<string, SetSpec>;
  nft?: string;
  /// Extension: the values successive random draws return (statistic --mode random, random NAT choices),
  /// so a recording of what the kernel chose at random can be replayed; the seeded generator takes over
  /// when they run out. A statistic rule matches when its draw is below its probability.
  randomDraws?: number[];
  /// What the playground shows; ignored by the engine.
  ui?: unknown;
}
