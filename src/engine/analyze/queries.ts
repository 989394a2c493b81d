// Packet classes the operator findings ask about, as boxes: a new connection arriving for the host, the
// replies it sends, its own outgoing connections, and the replies that come back.
import { D, DIMS, type Box } from './box';
import { cube } from './cubes';
import type { IfaceAtoms } from './ifaces';
import { ivals, subtractIvals, type Ivals } from './ivals';
import type { Outcome } from './flow';

/// Linux's default net.ipv4.ip_local_port_range: the ports a client's connection comes from.
export const EPHEMERAL = { min: 32768, max: 60999 };
const NEW = 1;
const ESTABLISHED = 3;
const RELATED = 2;
const SYN = cube(0x02, 0x17); // SYN without ACK, RST, FIN

export function atoms(ifaces: IfaceAtoms, names: string[], inv = false): Ivals {
  const s = ivals(names.map((n) => ifaces.atom(n)).map((k) => ({ min: k, max: k })));
  return inv ? subtractIvals([0, ifaces.size - 1], s) : s;
}

export function box(fields: Partial<Record<(typeof DIMS)[number], Box[number]>>): Box {
  const b: Box = new Array(DIMS.length);
  for (const [k, v] of Object.entries(fields)) b[D[k as (typeof DIMS)[number]]] = v;
  return b;
}

const range = (r: { min: number; max: number }): Ivals => [r.min, r.max];
const one = (v: number): Ivals => [v, v];

export type Direction = 'in' | 'out' | 'through';

/// Interfaces by direction: arriving from the network (not lo), leaving to it, or both.
function ifaceFields(ifaces: IfaceAtoms, dir: Direction) {
  const net = atoms(ifaces, ['lo', ''], true);
  const none = atoms(ifaces, ['']);
  return dir === 'in' ? { iif: net, oif: none } : dir === 'out' ? { iif: none, oif: net } : { iif: net, oif: net };
}

/// The first packet of a new connection: a TCP SYN, or a UDP datagram, with no mark yet.
export function newConnection(ifaces: IfaceAtoms, dir: Direction, f: { src?: Ivals; dst?: Ivals; proto: number; sport?: Ivals; dport?: Ivals; ctnat?: Ivals }): Box {
  return box({
    ...ifaceFields(ifaces, dir), src: f.src, dst: f.dst, proto: one(f.proto), sport: f.sport, dport: f.dport, ctstate: one(NEW),
    fragment: one(0), tcpflags: f.proto === 6 ? [SYN] : undefined, mark: [cube(0, 0xffffffff)], ctnat: f.ctnat ?? one(0),
  });
}

/// Replies of established connections towards a client's ephemeral ports.
export function replies(ifaces: IfaceAtoms, dir: Direction, f: { src?: Ivals; dst?: Ivals; sport?: Ivals; proto?: number } = {}): Box[] {
  return (f.proto ? [f.proto] : [6, 17]).map((p) => box({
    ...ifaceFields(ifaces, dir), src: f.src, dst: f.dst, proto: one(p), sport: f.sport, dport: range(EPHEMERAL),
    ctstate: one(ESTABLISHED), fragment: one(0), mark: [cube(0, 0xffffffff)],
  }));
}

/// ICMP errors about existing connections (unreachable, fragmentation needed): RELATED.
export function relatedIcmp(ifaces: IfaceAtoms, dir: Direction): Box {
  return box({ ...ifaceFields(ifaces, dir), proto: one(1), ctstate: one(RELATED), icmp: [3 << 8, (3 << 8) | 255], fragment: one(0), mark: [cube(0, 0xffffffff)] });
}

export function denied(outcomes: Outcome[]): Outcome[] {
  return outcomes.filter((o) => (o.verdict === 'DROP' || o.verdict === 'REJECT') && o.over.length);
}
