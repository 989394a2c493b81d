// -m realm --realm value[/mask]: the class id of the packet's route (xt_realm, dst->tclassid). Its low 16
// bits are the realm of the route to the destination, its high 16 the realm of the route back to the
// source; a scenario route has a realm with the `realm` extension, else 0 ("cosmos"). Kernel-recorded
// (test/kernel/cases/modules-more/realm-*): a forwarded packet has both halves; a delivered one only the
// high half (its local route has no realm); a sent one only the low half.
import type { MatchContext, MatchModule } from '../types';
import type { Packet } from '../../model/packet';
import { OptionError } from '../types';
import { nameOf, parseValueMask } from '../c-number';
import { hex, not } from '../values';

/// /etc/iproute2/rt_realms as Debian ships it.
const REALMS: Record<string, number> = { cosmos: 0 };

export interface RealmOptions {
  value: number;
  mask: number;
  inv: boolean;
}

const show = (o: RealmOptions) => (o.mask === 0xffffffff ? hex(o.value) : `${hex(o.value)}/${hex(o.mask)}`);

/// The realm of the unicast route to `addr`, else 0.
function realmTo(addr: number, ctx: MatchContext): number {
  const r = ctx.host.route?.(addr);
  return r?.type === 'unicast' ? r.route?.realm ?? 0 : 0;
}

/// dst->tclassid as routing sets it: the route's own realm, and for a packet from the network the realm of
/// the reverse route (fib_validate_source's itag, worked out only once some route has a realm).
export function classid(pkt: Packet, ctx: MatchContext): number {
  if (pkt.iif === null || pkt.iif === 'lo') return realmTo(pkt.dst, ctx);
  const from = ctx.host.realms ? realmTo(pkt.src, ctx) << 16 : 0;
  if (ctx.hook === 'INPUT') return from >>> 0;
  return (realmTo(pkt.dst, ctx) | from) >>> 0;
}

export const realm: MatchModule<RealmOptions> = {
  kind: 'match',
  name: 'realm',
  help: 'Match the routing realms of the packet\'s route: the route to the destination (low 16 bits) and back to the source (high 16). Not in PREROUTING.',
  simulated: true,
  options: [{
    name: 'realm', invert: true, help: 'Realm value[/mask], or a name from /etc/iproute2/rt_realms.',
    parse: ([v]) => parseValueMask(v, 'realm', 'realm', REALMS),
  }],
  finalize(p, rule) {
    if (!p.realm) throw new OptionError('realm: option "--realm" must be specified');
    if (rule.hooks.includes('PREROUTING')) throw new OptionError('realm match: not valid in PREROUTING, before the routing decision (the kernel refuses the rule: Invalid argument)');
    return { ...p.realm.value, inv: p.realm.inv };
  },
  match: (pkt, o, ctx) => ((classid(pkt, ctx) & o.mask) === o.value) !== o.inv,
  explain: (pkt, o, ctx) => `the route's class id is ${hex(classid(pkt, ctx))}, which ${o.inv ? 'is' : 'is not'} ${show(o)}`,
  save: (o) => `${not(o.inv)}--realm ${nameOf(REALMS, o.value, o.mask) ?? show(o)}`,
  list: (o) => `${o.inv ? '! ' : ''}realm ${show(o)}`,
  xlate: (o) => ({
    nft: o.mask === 0xffffffff
      ? `rtclassid ${o.inv ? '!= ' : ''}${nameOf(REALMS, o.value, o.mask) ?? hex(o.value)}`
      : `rtclassid and ${hex(o.mask)} ${o.inv ? '!=' : '=='} ${hex(o.value)}`,
  }),
};
