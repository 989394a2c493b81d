// PLACEHOLDER written by the lead so the engine compiles; the owner of this file replaces it whole.
import { OptionError } from './types';
const P: Record<string, number> = { all: 0, icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, sctp: 132, udplite: 136, icmpv6: 58 };
export function parseProtocol(text: string): number {
  const t = text.toLowerCase();
  if (/^\d+$/.test(t) && Number(t) <= 255) return Number(t);
  if (t in P) return P[t];
  throw new OptionError(`unknown protocol "${text}" specified`);
}
export function protocolName(n: number): string | null {
  return Object.entries(P).find(([, v]) => v === n && n !== 0)?.[0] ?? null;
}
