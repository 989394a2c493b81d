// -m udp: UDP ports (libxt_udp). Loaded implicitly by `-p udp --dport ...`.
import type { MatchModule, Space, Xlate } from '../types';
import { OptionError } from '../types';
import { formatRange, inRange, not, parsePort, type Range } from '../values';

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

/// libxt_udp 1.8.9 reads ports with the generic option parser, unlike tcp: a number keeps its low 16 bits
/// (70000 is 4464), an empty side is 0 or 65535, a reversed range is kept (and never matches).
function parseUdpPort(text: string): number {
  if (/^\+?\d*$/.test(text)) return Number(BigInt(text.replace('+', '') || '0') & 0xffffn);
  try {
    return parsePort(text);
  } catch {
    throw new OptionError(`Port "${text}" does not resolve to anything.`);
  }
}

function parseUdpRange(text: string, option: string): Range {
  const parts = text.split(':');
  if (parts.length > 2) throw new OptionError(`udp: Too many components for option "--${option}" (max: 2)`);
  if (parts.length === 1) {
    const p = parseUdpPort(text);
    return { min: p, max: p };
  }
  return { min: parts[0] === '' ? 0 : parseUdpPort(parts[0]), max: parts[1] === '' ? 65535 : parseUdpPort(parts[1]) };
}

const full = (r: Range | null, inv: boolean) => r !== null && !inv && r.min === 0 && r.max === 65535;
function shown(o: UdpOptions): UdpOptions {
  return { ...o, sport: full(o.sport, o.sportInv) ? null : o.sport, dport: full(o.dport, o.dportInv) ? null : o.dport };
}

export const udp: MatchModule<UdpOptions> = {
  kind: 'match',
  name: 'udp',
  help: 'Match UDP ports. Needs -p udp.',
  simulated: true,
  options: [
    { name: 'sport', aliases: ['source-port'], invert: true, parse: ([v]) => parseUdpRange(v, 'source-port'), help: 'Source port or range (port:port).' },
    { name: 'dport', aliases: ['destination-port'], invert: true, parse: ([v]) => parseUdpRange(v, 'destination-port'), help: 'Destination port or range (port:port).' },
  ],
  finalize(p, rule) {
    // iptables checks the number only: `! -p udp -m udp` loads (and never matches).
    if (rule.proto !== 17) throw new OptionError('UDP match requires \'-p udp\'');
    return { sport: p.sport?.value ?? null, sportInv: p.sport?.inv ?? false, dport: p.dport?.value ?? null, dportInv: p.dport?.inv ?? false };
  },
  match: (pkt, o) => pkt.fragOffset === 0 && ports.match(pkt.sport, pkt.dport, o),
  space: (o) => ports.space(o),
  explain: (pkt, o) => ports.explain(pkt.sport, pkt.dport, o),
  // The whole range 0:65535 is not printed (unless negated), as libxt_udp does.
  save: (o) => ports.save(shown(o)),
  list: (o) => ports.list('udp', shown(o)),
  xlate: (o) => ports.xlate('udp', o),
};
