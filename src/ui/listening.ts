// Whether the host's own stack would answer a delivered packet because nothing listens where it
// arrives: a TCP reset, or an ICMP port unreachable for UDP. The engine's verdict is `delivered` either
// way (netfilter let it through), and a scenario's host sends nothing by itself (DESIGN.md §2): this is
// an explanation the playground adds when the scenario lists the host's listening sockets.
import type { ListenSpec, PacketSpec, Scenario } from '../engine/model/scenario';
import type { PacketView } from '../worker/client';

const protoName = (p: PacketSpec['proto']) => (p === 6 || p === '6' ? 'tcp' : p === 17 || p === '17' ? 'udp' : String(p).toLowerCase());

const anyAddress = (a?: string) => !a || a === '0.0.0.0' || a === '*';

export function listens(sockets: readonly ListenSpec[], proto: string, address: string, port: number): boolean {
  return sockets.some((l) => l.proto === proto && l.port === port && (anyAddress(l.address) || l.address === address));
}

/// Why the host's stack would answer packet `index` itself, or null (it would not, or the scenario does
/// not say what listens).
export function stackAnswer(scenario: Scenario, index: number, result: PacketView | undefined): string | null {
  const sockets = scenario.host.listening;
  const spec = scenario.packets[index];
  if (!sockets || !spec || result?.fate !== 'delivered') return null;
  const proto = protoName(spec.proto);
  if (proto !== 'tcp' && proto !== 'udp') return null;
  // A reset is never answered.
  if (proto === 'tcp' && spec.flags?.includes('RST')) return null;
  // Where it was delivered: after the last NAT rewrite on its way (REDIRECT, DNAT to a local address).
  const after = [...result.trace].reverse().find((s) => s.after)?.after;
  const address = after?.dst ?? spec.dst;
  const port = after?.dport ?? spec.dport;
  if (port === undefined) return null;
  // A reply to the host's own connection reaches the socket that opened it.
  const reply = scenario.packets.slice(0, index).some((p) => p.from === 'local' && protoName(p.proto) === proto && p.src === spec.dst && p.dst === spec.src && p.sport === spec.dport && p.dport === spec.sport);
  if (reply || listens(sockets, proto, address, port)) return null;
  const answer = proto === 'tcp' ? 'a TCP reset (RST)' : 'an ICMP port unreachable (type 3, code 3)';
  return `Nothing listens on ${proto}/${port} at ${address}: the host's stack would answer with ${answer}. nfplay does not send it by itself; add it as a packet to follow its path.`;
}
