// A scenario's packet description turned into a Packet, with the defaults of the fixed format and the
// header sizes a real sender (scapy, as the kernel recorder uses) produces: no IP or TCP options.
import { parseIPv4 } from '../model/addr';
import { findIcmpType } from '../model/icmp-types';
import { IPPROTO, TCP, makePacket, type Packet, type Quoted } from '../model/packet';
import type { PacketSpec } from '../model/scenario';
import { ScenarioError, type Host } from './host';

const HEADER_BYTES: Record<number, number> = { 6: 20, 17: 8, 1: 8 };
/// ICMP messages with a fixed body: timestamps carry three 4-byte times, address masks one mask.
const ICMP_BODY: Record<number, number> = { 13: 12, 14: 12, 17: 4, 18: 4 };

function addr(text: unknown, path: string): number {
  const a = typeof text === 'string' ? parseIPv4(text) : null;
  if (a === null) throw new ScenarioError(`"${String(text)}" is not an IPv4 address`, path);
  return a;
}

export function protoNumber(p: unknown, path: string): number {
  if (typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 255) return p;
  if (typeof p === 'string') {
    if (/^\d+$/.test(p) && Number(p) <= 255) return Number(p);
    const n = (IPPROTO as Record<string, number>)[p.toLowerCase()];
    if (n !== undefined) return n;
  }
  throw new ScenarioError(`unknown protocol "${String(p)}" (tcp, udp, icmp or a number)`, path);
}

function port(v: unknown, path: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) throw new ScenarioError(`port ${String(v)} is not 0-65535`, path);
  return v;
}

export function icmpTypeCode(spec: PacketSpec, path: string): { type: number; code: number } {
  const t = spec.icmpType ?? 'echo-request';
  let type: number, code = 0;
  if (typeof t === 'number') type = t;
  else if (/^\d+(\/\d+)?$/.test(t)) [type, code] = t.split('/').map(Number).concat(0) as [number, number];
  else {
    const n = findIcmpType(t);
    if (!n || n.name === 'any') throw new ScenarioError(`unknown ICMP type "${t}"`, `${path}.icmpType`);
    type = n.type;
    code = n.codeMin === n.codeMax ? n.codeMin : 0;
  }
  if (spec.icmpCode !== undefined) code = spec.icmpCode;
  if (type > 255 || code > 255) throw new ScenarioError(`ICMP type/code ${type}/${code} out of range`, `${path}.icmpType`);
  return { type, code };
}

/// Bytes of the TCP options scapy writes for each kind, padded to 4 as the header requires.
const TCP_OPTION_BYTES: Record<number, number> = { 1: 1, 2: 4, 3: 3, 4: 2, 8: 10 };
function tcpOptionBytes(kinds: number[]): number {
  const n = kinds.reduce((sum, k) => sum + (TCP_OPTION_BYTES[k] ?? 2), 0);
  return Math.ceil(n / 4) * 4;
}

/// An ICMP error without `inner` quotes the latest earlier packet from the error's destination to its
/// source, else the latest one its destination sent (the errors of routers on the path).
export type QuoteFinder = (errorSrc: number, errorDst: number) => Quoted | undefined;

export function toPacket(spec: PacketSpec, index: number, host: Host, findQuote: QuoteFinder): Packet {
  const path = `packets[${index}]`;
  if (spec.from !== 'local' && !host.interfaces.has(spec.from))
    throw new ScenarioError(`"from": "${spec.from}" is neither "local" nor an interface of the host`, `${path}.from`);
  const proto = protoNumber(spec.proto, `${path}.proto`);
  const p = makePacket({
    src: addr(spec.src, `${path}.src`), dst: addr(spec.dst, `${path}.dst`), proto,
    ttl: spec.ttl ?? 64, tos: spec.tos ?? 0, id: 1,
    iif: spec.from === 'local' ? null : spec.from,
    uid: spec.from === 'local' ? spec.uid ?? 0 : null, gid: spec.from === 'local' ? spec.gid ?? 0 : null,
    payload: spec.payload ?? '',
    tcpOptions: spec.tcpOptions ?? [],
    // scapy's MSS option says 1460 (an Ethernet MTU of 1500 less 40).
    mss: spec.tcpOptions?.includes(2) ? spec.mss ?? 1460 : null,
    icmpId: spec.icmpId ?? 0,
    fragOffset: spec.fragOffset ?? 0,
    moreFragments: spec.moreFragments ?? false,
  });
  if (proto === 6 || proto === 17 || proto === 132 || proto === 136) {
    p.sport = port(spec.sport, `${path}.sport`, proto === 6 ? 20 : 53);
    p.dport = port(spec.dport, `${path}.dport`, proto === 6 ? 80 : 53);
  }
  if (proto === 6) {
    // scapy's default segment is a bare SYN.
    p.flags = 0;
    for (const f of spec.flags ?? ['SYN']) {
      const bit = (TCP as Record<string, number>)[String(f).toUpperCase()];
      if (bit === undefined) throw new ScenarioError(`unknown TCP flag "${f}" (SYN ACK FIN RST PSH URG ECE CWR)`, `${path}.flags`);
      p.flags |= bit;
    }
  }
  if (proto === 1) {
    const { type, code } = icmpTypeCode(spec, path);
    p.icmpType = type;
    p.icmpCode = code;
    if (type === 3 || type === 4 || type === 5 || type === 11 || type === 12) {
      const q = spec.inner;
      let inner: Quoted | undefined;
      if (q) {
        const iproto = protoNumber(q.proto, `${path}.inner.proto`);
        inner = { src: addr(q.src, `${path}.inner.src`), dst: addr(q.dst, `${path}.inner.dst`), proto: iproto, sport: q.sport ?? 0, dport: q.dport ?? 0 };
        if (iproto === 1) Object.assign(inner, { icmpType: 8, icmpId: q.icmpId ?? 0, sport: 0, dport: 0 });
      } else inner = findQuote(p.src, p.dst);
      if (!inner) throw new ScenarioError('an ICMP error needs "inner" (the packet it quotes): no earlier packet between these hosts', `${path}.inner`);
      p.inner = inner;
    }
  }
  const headers = 20 + (HEADER_BYTES[proto] ?? 0) + (p.inner ? 28 : 0) + (proto === 6 ? tcpOptionBytes(p.tcpOptions) : 0)
    + (proto === 1 ? ICMP_BODY[p.icmpType] ?? 0 : 0);
  const natural = headers + p.payload.length;
  if (spec.length !== undefined) {
    if (!Number.isInteger(spec.length) || spec.length < headers || spec.length > 65535)
      throw new ScenarioError(`length ${spec.length} is smaller than the headers (${headers} bytes) or above 65535`, `${path}.length`);
    p.length = spec.length;
  } else p.length = natural;
  if (p.iif) {
    // The neighbour on the n-th interface is 02:00:00:00:01:0n (as the kernel recorder wires it).
    const n = Array.from(host.interfaces.keys()).filter((k) => k !== 'lo').indexOf(p.iif) + 1;
    p.macSrc = spec.mac ?? `02:00:00:00:01:${n.toString(16).padStart(2, '0')}`;
    p.pkttype = p.dst >>> 28 === 14 ? 'multicast' : host.route(p.dst).type === 'broadcast' ? 'broadcast' : 'host';
  }
  return p;
}
