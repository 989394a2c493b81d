// -m multiport: up to 15 ports or ranges in one rule (libxt_multiport, revision 1).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { formatRange, inRange, not, parsePort, type Range } from '../values';

export interface MultiportOptions {
  which: 'sports' | 'dports' | 'ports';
  ports: Range[];
  inv: boolean;
}

/// Protocols with ports, as iptables requires for multiport.
const PORT_PROTOS = [6, 17, 33, 132, 136];
const LONG = { sports: 'source-ports', dports: 'destination-ports', ports: 'ports' } as const;

/// Each element is a port or a range a:b; an empty side is an error here (unlike --dport).
function parseElement(text: string): Range {
  const i = text.indexOf(':');
  const min = parsePort(i < 0 ? text : text.slice(0, i));
  if (i < 0) return { min, max: min };
  const max = parsePort(text.slice(i + 1));
  if (min > max) throw new OptionError('invalid portrange specified');
  return { min, max };
}

function parseList(text: string): Range[] {
  const list = text.split(',').map(parseElement);
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
    // Two of them: iptables names them in this order, whatever the order given.
    const given = (['sports', 'dports', 'ports'] as const).filter((k) => p[k]);
    if (given.length === 0) throw new OptionError('multiport expection an option');
    if (given.length > 1) throw new OptionError(`multiport: option "--${LONG[given[0]]}" cannot be used together with "--${LONG[given[1]]}".`);
    if (rule.proto === 0 && !rule.protoInv) throw new OptionError('multiport needs `-p tcp\', `-p udp\', `-p udplite\', `-p sctp\' or `-p dccp\'');
    if (!PORT_PROTOS.includes(rule.proto) || rule.protoInv) throw new OptionError('multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP');
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
    if (pkt.fragOffset !== 0) return 'a later fragment has no ports';
    const v = o.which === 'sports' ? `sport ${pkt.sport} is` : o.which === 'dports' ? `dport ${pkt.dport} is` : `ports ${pkt.sport} and ${pkt.dport} are`;
    return `${v} ${o.inv ? '' : 'not '}in ${o.ports.map((r) => formatRange(r)).join(',')}`;
  },
  space(o) {
    const hit = (field: 'sport' | 'dport'): Space => ({ field, ranges: o.ports });
    const s: Space = o.which === 'sports' ? hit('sport') : o.which === 'dports' ? hit('dport') : { any: [hit('sport'), hit('dport')] };
    return { all: [{ field: 'fragment', ranges: [{ min: 0, max: 0 }] }, o.inv ? { not: s } : s] };
  },
  save: (o) => `${not(o.inv)}--${o.which} ${o.ports.map((r) => formatRange(r)).join(',')}`,
  list: (o) => `multiport ${o.which} ${o.inv ? ' !' : ''}${o.ports.map((r) => formatRange(r)).join(',')}`,
  xlate(o, ctx) {
    const proto = ({ 6: 'tcp', 17: 'udp', 33: 'dccp', 132: 'sctp', 136: 'udplite' } as Record<number, string>)[ctx?.proto ?? 0] ?? 'th';
    const one = (r: Range) => (r.min === r.max ? String(r.min) : `${r.min}-${r.max}`);
    if (o.which === 'ports') {
      // Either port in the list: a concatenated set of (any . p) and (p . any). iptables-translate 1.8.9
      // writes a range a:b as the two ports a and b (and duplicates when b is 65535).
      const elems = o.ports.flatMap((r) => [`0-65535 . ${one(r)}`, `${one(r)} . 0-65535`]);
      const nft = `${proto} sport . ${proto} dport ${o.inv ? '!= ' : ''}{ ${elems.join(', ')} }`;
      return o.ports.some((r) => r.min !== r.max) ? { nft, note: 'iptables-translate 1.8.9 turns a range of --ports into its two end ports' } : { nft };
    }
    const list = o.ports.map(one);
    return { nft: `${proto} ${o.which === 'sports' ? 'sport' : 'dport'} ${o.inv ? '!= ' : ''}${list.length === 1 ? list[0] : `{ ${list.join(', ')} }`}` };
  },
};
