// -j TPROXY: deliver the packet to a local socket without changing it (libxt_TPROXY revision 1).
// mangle PREROUTING, -p tcp or udp. Parsed only: the simulator has no sockets.
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { formatIPv4, parseIPv4 } from '../../model/addr';
import { hex } from '../values';
import { xlateXMark } from './mark';
import { parsePort } from '../values';

export interface TproxyOptions {
  port: number;
  ip: number;
  value: number;
  mask: number;
}

export const tproxy: TargetModule<TproxyOptions> = {
  kind: 'target',
  name: 'TPROXY',
  help: 'Send the packet to a local transparent proxy socket (--on-port, --on-ip) and mark it (--tproxy-mark).',
  simulated: 'sockets are not modelled: the packet is marked with --tproxy-mark and accepted, as when a proxy socket is found',
  label: 'TPROXY',
  tables: ['mangle'],
  hooks: ['PREROUTING'],
  options: [
    {
      name: 'on-port',
      parse: ([v]) => {
        try {
          return parsePort(v);
        } catch {
          throw new OptionError(`Port "${v}" does not resolve to anything.`);
        }
      },
      help: 'The local port of the proxy (0: the packet\'s own destination port).',
    },
    {
      name: 'on-ip',
      parse: ([v]) => {
        const a = parseIPv4(v);
        if (a === null) throw new OptionError(`Bad IP address "${v}"`);
        return a;
      },
      help: "The local address of the proxy (default: the incoming interface's).",
    },
    {
      name: 'tproxy-mark',
      parse: ([v]) => {
        const [a, b] = v.split('/');
        const ok = (t: string | undefined) => t !== undefined && /^(0x[0-9a-fA-F]+|\d+)$/.test(t) && Number(t) <= 0xffffffff;
        if (!ok(a) || (b !== undefined && !ok(b))) throw new OptionError('TPROXY: bad integer value for option "--tproxy-mark", or out of range.');
        return { value: Number(a), mask: b === undefined ? 0xffffffff : Number(b) };
      },
      help: 'value[/mask]: the mark to set, for a routing rule to the local table.',
    },
  ],
  finalize(p, rule) {
    if (!p['on-port']) throw new OptionError('TPROXY: option "--on-port" must be specified');
    if ((rule.proto !== 6 && rule.proto !== 17) || rule.protoInv)
      throw new OptionError('TPROXY is only valid with -p tcp or -p udp (the kernel refuses the rule: Invalid argument)');
    const m = p['tproxy-mark']?.value ?? { value: 0, mask: 0 };
    return { port: p['on-port'].value, ip: p['on-ip']?.value ?? 0, value: m.value, mask: m.mask };
  },
  apply(pkt, o) {
    pkt.mark = ((pkt.mark & ~o.mask) ^ o.value) >>> 0;
    return 'ACCEPT';
  },
  save: (o) => `--on-port ${o.port} --on-ip ${formatIPv4(o.ip)} --tproxy-mark ${hex(o.value)}/${hex(o.mask)}`,
  list: (o) => `TPROXY redirect ${formatIPv4(o.ip)}:${o.port} mark ${hex(o.value)}/${hex(o.mask)}`,
  // As iptables-translate 1.8.11 writes it, plus what TPROXY decides: it accepts the packet it gave a
  // socket and drops the others, where nft's tproxy only stops the rule when no socket is found.
  xlate: (o) => ({
    nft: `tproxy to ${o.ip ? formatIPv4(o.ip) : ''}${o.port || !o.ip ? `:${o.port}` : ''}${o.mask ? ` meta mark set ${xlateXMark('meta mark', { value: o.value, mask: o.mask })}` : ''} accept`,
    otherwise: 'drop',
    note: 'iptables-translate 1.8.9 leaves -j TPROXY untranslated; TPROXY accepts the packet it gives a socket and drops it when there is none: accept, and a second rule that drops',
  }),
};
