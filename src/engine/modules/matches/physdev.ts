// -m physdev: the bridge ports a bridged packet came in on or goes out of (libxt_physdev). Parsed and
// printed; nfplay models routed hosts, not bridges, so on its packets the match behaves as for traffic
// that crossed no bridge.
import type { MatchModule } from '../types';
import { OptionError } from '../types';

interface Flag {
  inv: boolean;
}

export interface PhysdevOptions {
  in: (Flag & { name: string }) | null;
  isIn: Flag | null;
  out: (Flag & { name: string }) | null;
  isOut: Flag | null;
  isBridged: Flag | null;
}

const not = (f: Flag) => (f.inv ? '! ' : '');

function ifname(v: string): string {
  if (v.length > 15) throw new OptionError(`interface name \`${v}' must be shorter than IFNAMSIZ (15)`);
  return v;
}

export const physdev: MatchModule<PhysdevOptions> = {
  kind: 'match',
  name: 'physdev',
  help: 'Match the bridge port of bridged traffic (--physdev-in, --physdev-out, --physdev-is-bridged ...).',
  simulated: 'bridged traffic is not modelled: every packet here is routed, so it crossed no bridge port',
  options: [
    { name: 'physdev-in', invert: true, parse: ([v]) => ifname(v), help: 'The bridge port the packet came in on (+ for a prefix).' },
    { name: 'physdev-out', invert: true, parse: ([v]) => ifname(v), help: 'The bridge port the packet goes out of.' },
    { name: 'physdev-is-in', args: 0, invert: true, help: 'The packet came in on a bridge port.' },
    { name: 'physdev-is-out', args: 0, invert: true, help: 'The packet goes out of a bridge port.' },
    { name: 'physdev-is-bridged', args: 0, invert: true, help: 'The packet is bridged, not routed.' },
  ],
  finalize(p) {
    const f = (k: string) => (p[k] ? { inv: p[k]!.inv } : null);
    const o: PhysdevOptions = {
      in: p['physdev-in'] ? { name: String(p['physdev-in'].value), inv: p['physdev-in'].inv } : null,
      out: p['physdev-out'] ? { name: String(p['physdev-out'].value), inv: p['physdev-out'].inv } : null,
      isIn: f('physdev-is-in'), isOut: f('physdev-is-out'), isBridged: f('physdev-is-bridged'),
    };
    if (!o.in && !o.out && !o.isIn && !o.isOut && !o.isBridged) throw new OptionError('PHYSDEV: no physdev option specified');
    return o;
  },
  // A routed packet has no bridge port: each positive clause fails, each negated one holds.
  match: (_pkt, o) => [o.in, o.out, o.isIn, o.isOut, o.isBridged].every((c) => !c || c.inv),
  explain: () => 'the packet crossed no bridge port (nfplay models routing, not bridging)',
  save(o) {
    const out: string[] = [];
    if (o.isIn) out.push(`${not(o.isIn)}--physdev-is-in`);
    if (o.in) out.push(`${not(o.in)}--physdev-in ${o.in.name}`);
    if (o.isOut) out.push(`${not(o.isOut)}--physdev-is-out`);
    if (o.out) out.push(`${not(o.out)}--physdev-out ${o.out.name}`);
    if (o.isBridged) out.push(`${not(o.isBridged)}--physdev-is-bridged`);
    return out.join(' ');
  },
  list(o) {
    return `PHYSDEV match ${physdev.save(o)}`;
  },
  // The ip family sees the bridge a packet crossed (meta ibrname), not the bridge port physdev names.
  xlate: () => ({ untranslatable: 'the bridge port (physdev) is visible only to a bridge-family nftables table, not to an ip table' }),
};
