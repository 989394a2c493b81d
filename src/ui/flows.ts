// One-click flows: the packets of a whole exchange, with the replies the host's own stack would send
// (the engine sends nothing by itself, DESIGN.md section 2). A reply comes from "local" when the host is
// the endpoint, else from the interface facing the answering side.
import type { PacketSpec, Scenario } from '../engine/model/scenario';
import { interfaceToward, isLocalAddress } from './ipv4';

export interface FlowEnds {
  from: string;
  src: string;
  dst: string;
}

function replyFrom(host: Scenario['host'], ends: FlowEnds): string {
  return isLocalAddress(host, ends.dst) ? 'local' : interfaceToward(host, ends.src);
}

export function tcpConnection(host: Scenario['host'], ends: FlowEnds, sport: number, dport: number): PacketSpec[] {
  const back = replyFrom(host, ends);
  const there = { from: ends.from, src: ends.src, dst: ends.dst, proto: 'tcp', sport, dport };
  const reply = { from: back, src: ends.dst, dst: ends.src, proto: 'tcp', sport: dport, dport: sport };
  return [{ ...there, flags: ['SYN'] }, { ...reply, flags: ['SYN', 'ACK'] }, { ...there, flags: ['ACK'] }];
}

export function ping(host: Scenario['host'], ends: FlowEnds): PacketSpec[] {
  return [
    { from: ends.from, src: ends.src, dst: ends.dst, proto: 'icmp', icmpType: 'echo-request' },
    { from: replyFrom(host, ends), src: ends.dst, dst: ends.src, proto: 'icmp', icmpType: 'echo-reply' },
  ];
}

export function dnsQuery(host: Scenario['host'], ends: FlowEnds, sport: number): PacketSpec[] {
  return [
    { from: ends.from, src: ends.src, dst: ends.dst, proto: 'udp', sport, dport: 53 },
    { from: replyFrom(host, ends), src: ends.dst, dst: ends.src, proto: 'udp', sport: 53, dport: sport },
  ];
}

/// "tcp 198.51.100.7:40000 → 203.0.113.10:22 SYN" — how packets are named in lists and tables.
export function describePacket(p: PacketSpec): string {
  const ports = (a: string, port?: number) => (port === undefined ? a : `${a}:${port}`);
  const proto = String(p.proto);
  let s = `${proto} ${ports(p.src, p.sport)} → ${ports(p.dst, p.dport)}`;
  if (p.flags?.length) s += ` ${p.flags.join(',')}`;
  if (p.icmpType !== undefined) s += ` ${p.icmpType}${p.icmpCode !== undefined ? '/' + p.icmpCode : ''}`;
  return s;
}
