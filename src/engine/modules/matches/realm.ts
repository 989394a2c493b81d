// -m realm --realm value[/mask]: the routing realm of the packet's route (xt_realm). Scenario routes
// carry no realm, so every route is in realm 0 ("cosmos").
import type { MatchModule } from '../types';
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

export const realm: MatchModule<RealmOptions> = {
  kind: 'match',
  name: 'realm',
  help: 'Match the routing realm of the packet\'s route (scenario routes are all in realm 0). Not in PREROUTING.',
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
  match: (_pkt, o) => ((0 & o.mask) === o.value) !== o.inv,
  explain: (_pkt, o) => `the route is in realm 0, which ${o.inv ? 'is' : 'is not'} ${show(o)}`,
  save: (o) => `${not(o.inv)}--realm ${nameOf(REALMS, o.value, o.mask) ?? show(o)}`,
  list: (o) => `${o.inv ? '! ' : ''}realm ${show(o)}`,
  xlate: (o) => ({
    nft: o.mask === 0xffffffff
      ? `rtclassid ${o.inv ? '!= ' : ''}${nameOf(REALMS, o.value, o.mask) ?? hex(o.value)}`
      : `rtclassid and ${hex(o.mask)} ${o.inv ? '!= ' : ''}${hex(o.value)}`,
  }),
};
