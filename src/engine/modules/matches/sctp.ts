// -m sctp: SCTP ports (libxt_sctp). Loaded implicitly by `-p sctp --dport ...`. Chunk types are not modelled.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { parsePortRange } from '../values';
import { ports, type UdpOptions } from './udp';

export const sctp: MatchModule<UdpOptions> = {
  kind: 'match',
  name: 'sctp',
  help: 'Match SCTP ports. Needs -p sctp.',
  simulated: true,
  options: [
    { name: 'sport', aliases: ['source-port'], invert: true, parse: ([v]) => parsePortRange(v), help: 'Source port or range (port:port).' },
    { name: 'dport', aliases: ['destination-port'], invert: true, parse: ([v]) => parsePortRange(v), help: 'Destination port or range (port:port).' },
  ],
  finalize(p, rule) {
    if (rule.proto !== 132 || rule.protoInv) throw new OptionError("SCTP match requires '-p sctp'");
    return { sport: p.sport?.value ?? null, sportInv: p.sport?.inv ?? false, dport: p.dport?.value ?? null, dportInv: p.dport?.inv ?? false };
  },
  match: (pkt, o) => pkt.fragOffset === 0 && ports.match(pkt.sport, pkt.dport, o),
  space: (o) => ports.space(o),
  explain: (pkt, o) => ports.explain(pkt.sport, pkt.dport, o),
  save: (o) => ports.save(o),
  // iptables -L leaves out a whole range 0:65535 that is not negated (iptables-save keeps it).
  list: (o) => ports.list('sctp', {
    ...o,
    sport: o.sport && !o.sportInv && o.sport.min === 0 && o.sport.max === 65535 ? null : o.sport,
    dport: o.dport && !o.dportInv && o.dport.min === 0 && o.dport.max === 65535 ? null : o.dport,
  }),
  xlate: (o) => ports.xlate('sctp', o),
};
