// The drop of -m esp, ah and dccp on a header too short for the match (xt's hotdrop), in nftables. nft's
// payload expressions only stop the rule when a field lies past the packet's end (and read a field the
// short header does hold), so the idiomatic translations first test the transport length: IP total
// length less 4 × the header length, which nft cannot subtract, hence one element per header length
// (5-15). Later fragments are left out, as the matches leave them (no header: no match, no drop).
// Kernel-recorded: test/kernel/cases/nft-equiv/modules-more-{esp,ah,dccp}-short*.
import { protocolName } from './protocols';

/// `ip protocol P ip frag-off & 0x1fff 0 ip hdrlength . ip length vmap { ... }`: drops a first fragment
/// whose transport header is shorter than `bytes`, and goes on with the rule otherwise.
export function shortHeaderDrop(proto: number, bytes: number): string {
  const elements: string[] = [];
  for (let words = 5; words <= 15; words++) {
    const min = words * 4 + bytes;
    elements.push(`${words} . 0-${min - 1} : drop`, `${words} . ${min}-65535 : continue`);
  }
  return `ip protocol ${protocolName(proto) ?? proto} ip frag-off & 0x1fff 0 ip hdrlength . ip length vmap { ${elements.join(', ')} }`;
}

/// The compat note of a match iptables-translate writes as a bare payload expression.
export const shortHeaderNote = (what: string, bytes: number, expr: string) =>
  `iptables drops a packet whose ${what} header is shorter than ${bytes} bytes; with ${expr} it goes on (matched on the bytes there are, or not at all; the idiomatic translation tests the length)`;
