// -j TCPMSS: rewrite the MSS option of TCP SYN segments (libxt_TCPMSS). Never raises an MSS; a SYN with
// no MSS option gets one, of at most 536 (the default the peer would assume), and grows by 4 bytes.
import type { TargetModule } from '../types';
import { OptionError } from '../types';

export type TcpmssOptions = { clamp: true } | { clamp: false; mss: number };

export const tcpmss: TargetModule<TcpmssOptions> = {
  kind: 'target',
  name: 'TCPMSS',
  help: 'Set the MSS of TCP SYN segments (--set-mss) or clamp it to the path MTU (--clamp-mss-to-pmtu). Needs -p tcp.',
  simulated: true,
  options: [
    {
      name: 'set-mss',
      parse: ([v]) => {
        if (!/^\d+$/.test(v) || Number(v) > 65535) throw new OptionError(`TCPMSS: bad value for option "--set-mss", or out of range (0-65535).`);
        return Number(v);
      },
      help: 'The MSS to write.',
    },
    { name: 'clamp-mss-to-pmtu', args: 0, help: 'Write the path MTU minus 40.' },
  ],
  finalize(p, rule) {
    if (p['set-mss'] && p['clamp-mss-to-pmtu'])
      throw new OptionError('TCPMSS: option "--set-mss" cannot be used together with "--clamp-mss-to-pmtu".');
    if (!p['set-mss'] && !p['clamp-mss-to-pmtu']) throw new OptionError('TCPMSS target: At least one parameter is required');
    if (rule.proto !== 6 || rule.protoInv)
      throw new OptionError('TCPMSS is only valid with -p tcp (the kernel refuses the rule: Invalid argument)');
    return p['clamp-mss-to-pmtu'] ? { clamp: true } : { clamp: false, mss: p['set-mss']!.value };
  },
  apply(pkt, o, ctx) {
    if (!(pkt.flags & 2) || pkt.fragOffset) return 'CONTINUE';
    // The path MTU of the way out: Ethernet's 1500 here, less the IP and TCP headers.
    const want = o.clamp ? 1500 - 40 : o.mss;
    void ctx;
    if (pkt.mss === null) {
      pkt.mss = Math.min(want, 536);
      pkt.tcpOptions = [...pkt.tcpOptions, 2];
      pkt.length += 4;
    } else if (pkt.mss > want) pkt.mss = want;
    return 'CONTINUE';
  },
  save: (o) => (o.clamp ? '--clamp-mss-to-pmtu' : `--set-mss ${o.mss}`),
  list: (o) => (o.clamp ? 'TCPMSS clamp to PMTU' : `TCPMSS set ${o.mss}`),
  xlate: (o) => ({ nft: `tcp option maxseg size set ${o.clamp ? 'rt mtu' : o.mss}` }),
};
