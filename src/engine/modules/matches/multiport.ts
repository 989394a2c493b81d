// -m multiport: up to 15 ports or ranges in one rule (libxt_multiport, revision 1).
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { formatRange, inRange, not, parsePortRange, type Range } from '../values';

export interface MultiportOptions {
  which: 'sports' | 'dports' | 'ports';
  ports: Range[];
  inv: boolean;
}

/// Protocols with ports, as iptables requires for multiport.
const PORT_PROTOS = [6, 17, 33, 132, 136];

function parseList(text: string): Range[] {
  const list = text.split(',').map(parsePortRange);
  // A range counts as two ports toward the kernel's limit of 15.
  if (list.reduce((n, r) => n + (r.min === r.max ? 1 : 2), 0) > 15) throw new OptionError('too many ports specified');
  return list;
}

export const multiport: MatchModule<MultiportOptions> = {
  kind: 'match',
  name: 'multiport',
  help: 'Match a list of up to 15 ports or port ranges. Needs -p tcp, udp, udplite, sctp or dccp.',
  simulated: true,
  options: [
    { name: 'sports', aliases: ['source-ports'], invert: true, parse: ([v]) => parseList(v), help: 'Source port list: 22,80,8000:8080.' },
    { name: 'dports', aliases: ['destination-ports'], invert: true, parse: ([v]) => parseList(v), help: 'Destination port list: 22,80,8000:8080.' },
    { name: 'ports', invert: true, parse: ([v]) => parseList(v), help: 'Either port in the list.' },
  ],
  finalize(p, rule) {
    const given = (['sports', 'dports', 'ports'] as const).filter((k) => p[k]);
    if (given.length !== 1) throw new OptionError('multiport can only have one option');
    if (!PORT_PROTOS.includes(rule.proto) || rule.protoInv) throw new OptionError('multiport needs `-p tcp\', `-p udp\', `-p udplite\', `-p sctp\' or `-p dccp\'');
    const k = given[0];
    return { which: k, ports: p[k]!.value, inv: p[k]!.inv };
  },
  match(pkt, o) {
    if (pkt.fragOffset !== 0) return false;
    const any = (v: number) => o.ports.some((r) => inRange(v, r));
    const hit = o.which === 'sports' ? any(pkt.sport) : o.which === 'dports' ? any(pkt.dport) : any(pkt.sport) || any(pkt.dport);
    return hit !== o.inv;
  },
  explain(pkt, o) {
    const v = o.which === 'sports' ? `sport ${pkt.sport}` : o.which === 'dports' ? `dport ${pkt.dport}` : `ports ${pkt.sport} and ${pkt.dport}`;
    return `${v} ${o.inv ? 'in' : 'not in'} ${o.ports.map((r) => formatRange(r)).join(',')}`;
  },
  save: (o) => `${not(o.inv)}--${o.which} ${o.ports.map((r) => formatRange(r)).join(',')}`,
  list: (o) => `multiport ${o.which} ${o.inv ? ' !' : ''}${o.ports.map((r) => formatRange(r)).join(',')}`,
  xlate(o) {
    const set = o.ports.map((r) => (r.min === r.max ? String(r.min) : `${r.min}-${r.max}`));
    const v = set.length === 1 ? set[0] : `{ ${set.join(', ')} }`;
    if (o.which === 'ports') return { untranslatable: '--ports (either direction) has no single nftables expression' };
    return { nft: `th ${o.which === 'sports' ? 'sport' : 'dport'} ${o.inv ? '!= ' : ''}${v}` };
  },
};
