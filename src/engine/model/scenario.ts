/// The scenario format of DESIGN.md section 2 (fixed: URLs and the CLI carry it).

export interface InterfaceSpec {
  name: string;
  addresses: string[];
  /// Optional link-layer address; the engine makes one up when absent.
  mac?: string;
  /// Extension: the device group (`ip link set DEV group N`, -m devgroup); 0 when absent.
  group?: number;
}

export interface RouteSpec {
  to: string; // "default" or a CIDR
  via?: string;
  dev?: string;
  /// Extension: the route's realm (`ip route ... realm N`, -m realm); 0 when absent.
  realm?: number;
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

export interface ListenSpec {
  proto: 'tcp' | 'udp';
  port: number;
  /// The local address bound; absent, `0.0.0.0` or `*`: every address.
  address?: string;
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
    /// Extension (the playground's; the engine ignores it): the host's listening sockets. A delivered
    /// packet to a port nothing listens on would be answered by the host's stack (a TCP reset, an ICMP
    /// port unreachable), which the scenario does not send by itself: the playground says so.
    listening?: ListenSpec[];
  };
  rules: string;
  packets: PacketSpec[];
  sets?: Record<string, SetSpec>;
  nft?: string;
  /// Extension: the values successive random draws return (statistic --mode random, random NAT choices),
  /// so a recording of what the kernel chose at random can be replayed; the seeded generator takes over
  /// when they run out. A statistic rule matches when its draw is below its probability.
  randomDraws?: number[];
  /// Extension (src/engine/analyze/README.md): who manages the host and what egress it needs, for lint.
  analysis?: unknown;
  /// Extension: the validation matrix (the text `nfplay check --matrix` reads), kept with the scenario.
  matrix?: string;
  /// Extension: a proposed version of `rules`, not applied yet (the playground's "Propose a change").
  proposal?: string;
  /// What the playground shows; ignored by the engine.
  ui?: unknown;
}
