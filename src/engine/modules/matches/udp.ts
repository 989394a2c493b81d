// -m udp: UDP ports (libxt_udp). Loaded implicitly by `-p udp --dport ...`.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { formatRange, inRange, not, parsePortRange, type Range } from '../values';

export interface UdpOptions {
  sport: Range | null;
  sportInv: boolean;
  dport: Range | null;
  dportInv: boolean;
}

/// Port clauses shared by the port-only matches (udp, udplite, sctp): save, list and explain forms.
export const ports = {
  match(sport: number, dport: number, o: UdpOptions): boolean {
    if (o.sport && inRange(sport, o.sport) === o.sportInv) return false;
    if (o.dport && inRange(dport, o.dport) === o.dportInv) return false;
    return true;
  },
  explain(sport: number, dport: number, o: UdpOptions): string {
    const one = (name: string, v: number, r: Range, inv: boolean) =>
      `${name} ${v} is ${inv ? '' : 'not '}${r.min === r.max ? '' : 'in '}${formatRange(r)}`;
    if (o.sport && inRange(sport, o.sport) === o.sportInv) return one('sport', sport, o.sport, o.sportInv);
    return one('dport', dport, o.dport!, o.dportInv);
  },
  save(o: UdpOptions): string {
    const out: string[] = [];
    if (o.sport) out.push(`${not(o.sportInv)}--sport ${formatRange(o.sport)}`);
    if (o.dport) out.push(`${not(o.dportInv)}--dport ${formatRange(o.dport)}`);
    return out.join(' ');
  },
  list(name: string, o: UdpOptions): string {
    const out = [name];
    const one = (label: string, r: Range, inv: boolean) => `${label}${r.min === r.max ? '' : 's'}:${inv ? '!' : ''}${formatRange(r)}`;
    if (o.sport) out.push(one('spt', o.sport, o.sportInv));
    if (o.dport) out.push(one('dpt', o.dport, o.dportInv));
    return out.join(' ');
  },
  xlate(proto: string, o: UdpOptions): string {
    const r = (x: Range) => (x.min === x.max ? String(x.min) : `${x.min}-${x.max}`);
    const parts: string[] = [];
    if (o.sport) parts.push(`${proto} sport ${o.sportInv ? '!= ' : ''}${r(o.sport)}`);
    if (o.dport) parts.push(`${proto} dport ${o.dportInv ? '!= ' : ''}${r(o.dport)}`);
    return parts.length ? parts.join(' ') : `meta l4proto ${proto}`;
  },
};

export const udp: MatchModule<UdpOptions> = {
  kind: 'match',
  name: 'udp',
  help: 'Match UDP ports. Needs -p udp.',
  simulated: true,
  options: [
    { name: 'sport', aliases: ['source-port'], invert: true, parse: ([v]) => parsePortRange(v), help: 'Source port or range (port:port).' },
    { name: 'dport', aliases: ['destination-port'], invert: true, parse: ([v]) => parsePortRange(v), help: 'Destination port or range (port:port).' },
  ],
  finalize(p, rule) {
    if (rule.proto !== 17 || rule.protoInv) throw new OptionError('UDP match requires \'-p udp\'');
    return { sport: p.sport?.value ?? null, sportInv: p.sport?.inv ?? false, dport: p.dport?.value ?? null, dportInv: p.dport?.inv ?? false };
  },
  match: (pkt, o) => pkt.fragOffset === 0 && ports.match(pkt.sport, pkt.dport, o),
  explain: (pkt, o) => ports.explain(pkt.sport, pkt.dport, o),
  save: (o) => ports.save(o),
  list: (o) => ports.list('udp', o),
  xlate: (o) => ({ nft: ports.xlate('udp', o) }),
};
