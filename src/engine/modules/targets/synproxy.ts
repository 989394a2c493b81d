// -j SYNPROXY: answer a client's SYN with a SYN cookie and open the connection to the server only once
// the client's ACK proves the cookie (libxt_SYNPROXY). INPUT and FORWARD, -p tcp only.
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { TCP } from '../../model/packet';
import { cUint, U32 } from '../c-number';

export interface SynproxyOptions {
  sackPerm: boolean;
  timestamp: boolean;
  /// Kept in 8 bits as the kernel's structure holds it (--wscale 256 is 0).
  wscale: number | null;
  /// Kept in 16 bits (--mss 65536 is 0).
  mss: number | null;
  ecn: boolean;
}

function uint(v: string, option: string, bits: number): number {
  const n = cUint(v, U32);
  if (n === null) throw new OptionError(`SYNPROXY: bad value for option "--${option}", or out of range (0-4294967295).`);
  return Number(n) % 2 ** bits;
}

function words(o: SynproxyOptions): string[] {
  const out: string[] = [];
  if (o.sackPerm) out.push('sack-perm');
  if (o.timestamp) out.push('timestamp');
  if (o.wscale !== null) out.push(`wscale ${o.wscale}`);
  if (o.mss !== null) out.push(`mss ${o.mss}`);
  if (o.ecn) out.push('ecn');
  return out;
}

export const synproxy: TargetModule<SynproxyOptions> = {
  kind: 'target',
  name: 'SYNPROXY',
  help: 'Answer SYNs with SYN cookies and connect to the server once the client\'s ACK proves one. INPUT and FORWARD, -p tcp.',
  simulated: 'the proxy\'s own handshake is not traced: a SYN or a bare ACK ends here, as the kernel consumes it (the SYN/ACK with the cookie, and the SYN to the server, are new packets); other segments continue',
  label: 'SYNPROXY',
  hooks: ['INPUT', 'FORWARD'],
  options: [
    { name: 'sack-perm', args: 0, help: 'Offer selective acknowledgement, as the server does.' },
    { name: 'timestamp', args: 0, help: 'Offer TCP timestamps, as the server does.' },
    { name: 'wscale', parse: ([v]) => uint(v, 'wscale', 8), help: 'The server\'s window scale.' },
    { name: 'mss', parse: ([v]) => uint(v, 'mss', 16), help: 'The server\'s maximum segment size.' },
    { name: 'ecn', args: 0, help: 'Offer ECN, as the server does.' },
  ],
  finalize(p, rule) {
    if (rule.proto !== 6 || rule.protoInv) throw new OptionError('SYNPROXY is only valid with -p tcp (the kernel refuses the rule: Invalid argument)');
    return {
      sackPerm: !!p['sack-perm'], timestamp: !!p.timestamp, wscale: p.wscale?.value ?? null, mss: p.mss?.value ?? null, ecn: !!p.ecn,
    };
  },
  apply(pkt) {
    const f = pkt.flags;
    if (f & TCP.SYN && !(f & (TCP.ACK | TCP.FIN | TCP.RST))) return 'DROP';
    if (f & TCP.ACK && !(f & (TCP.SYN | TCP.FIN | TCP.RST))) return 'DROP';
    return 'CONTINUE';
  },
  save: (o) => words(o).map((w) => `--${w}`).join(' '),
  // iptables -L ends the target's column with a space.
  list: (o) => `${['SYNPROXY', ...words(o)].join(' ')} `,
  xlate: (o) => ({ nft: ['synproxy', ...words(o)].join(' ') }),
};
