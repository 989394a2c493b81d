// -m udp: UDP ports (libxt_udp). Loaded implicitly by `-p udp --dport ...`.
import type { MatchModule, Space, Xlate } from '../types';
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
  /// The packets the port clauses match (a later fragment has no ports: it never matches).
  space(o: Pick<UdpOptions, 'sport' | 'sportInv' | 'dport' | 'dportInv'>): { all: Space[] } {
    const parts: Space[] = [{ field: 'fragment', ranges: [{ min: 0, max: 0 }] }];
    for (const [field, r, inv] of [['sport', o.sport, o.sportInv], ['dport', o.dport, o.dportInv]] as const) {
      if (!r) continue;
      const s: Space = { field, ranges: [r] };
      parts.push(inv ? { not: s } : s);
    }
    return { all: parts };
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
  /// As -m tcp: nothing without a port (the rule then adds the protocol), and iptables-translate 1.8.9
  /// drops a full range.
  xlate(proto: string, o: UdpOptions): Xlate {
    const parts: string[] = [];
    let note: string | undefined;
    for (const [dir, r, inv] of [['sport', o.sport, o.sportInv], ['dport', o.dport, o.dportInv]] as const) {
      if (!r) continue;
      if (r.min === 0 && r.max === 65535) {
        if (!inv) continue;
        note = `iptables-translate 1.8.9 drops ! --${dir} 0:65535 (the rule would match every packet instead of none)`;
      }
      parts.push(`${proto} ${dir} ${inv ? '!= ' : ''}${r.min === r.max ? r.min : `${r.min}-${r.max}`}`);
    }
    // libxt_udp 1.8.9 negates --dport by the flag of --sport.
    if (proto === 'udp' && o.dport && o.dportInv !== (o.sport !== null && o.sportInv))
      note = 'iptables-translate 1.8.9 negates a udp --dport only when --sport is negated';
    return note ? { nft: parts.join(' '), note } : { nft: parts.join(' ') };
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
  space: (o) => ports.space(o),
  explain: (pkt, o) => ports.explain(pkt.sport, pkt.dport, o),
  save: (o) => ports.save(o),
  list: (o) => ports.list('udp', o),
  xlate: (o) => ports.xlate('udp', o),
};
