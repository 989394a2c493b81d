// -m pkttype: link-layer packet type, unicast, broadcast or multicast (libxt_pkttype).
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { not } from '../values';

const TYPES = ['unicast', 'broadcast', 'multicast', 'otherhost'] as const;
type PktType = (typeof TYPES)[number];

export interface PkttypeOptions {
  type: PktType;
  inv: boolean;
}

export const pkttype: MatchModule<PkttypeOptions> = {
  kind: 'match',
  name: 'pkttype',
  help: 'Match the link-layer packet type: unicast, broadcast or multicast.',
  simulated: true,
  options: [{
    name: 'pkt-type', invert: true, values: TYPES, help: 'unicast, broadcast, multicast or otherhost.',
    parse: ([v]) => {
      const t = v.toLowerCase();
      if (t === 'host') return 'unicast';
      if (!(TYPES as readonly string[]).includes(t)) throw new OptionError(`Bad packet type '${v}'`);
      return t;
    },
  }],
  finalize(p) {
    if (!p['pkt-type']) throw new OptionError('pkttype: option "--pkt-type" must be specified');
    return { type: p['pkt-type'].value, inv: p['pkt-type'].inv };
  },
  match(pkt, o) {
    // Locally generated packets carry no link-layer type: the kernel classifies them by destination.
    const t: PktType = pkt.pkttype === 'host' ? (pkt.dst >>> 28 === 14 ? 'multicast' : 'unicast') : pkt.pkttype;
    return (t === o.type) !== o.inv;
  },
  explain: (pkt, o) => `packet type ${pkt.pkttype === 'host' ? (pkt.dst >>> 28 === 14 ? 'multicast' : 'unicast') : pkt.pkttype} is ${o.inv ? '' : 'not '}${o.type}`,
  save: (o) => `${not(o.inv)}--pkt-type ${o.type}`,
  list: (o) => `PKTTYPE ${o.inv ? '!=' : '='} ${o.type}`,
  xlate: (o) => ({ nft: `pkttype ${o.inv ? '!= ' : ''}${o.type}` }),
};
