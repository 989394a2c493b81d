// -j SNAT: rewrite the source of a connection's first packet, and so of the whole connection (libxt_NAT).
// nat table, POSTROUTING and INPUT.
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { checkPorts, formatNatRange, natFlags, natRequest, parseNatRange, xlateNat, type NatOptions } from './dnat';

export const snat: TargetModule<NatOptions> = {
  kind: 'target',
  name: 'SNAT',
  help: "Rewrite the source address (and port) of the connection's first packet; replies are rewritten back.",
  simulated: true,
  label: 'SNAT',
  tables: ['nat'],
  hooks: ['POSTROUTING', 'INPUT'],
  options: [
    { name: 'to-source', aliases: ['to'], parse: ([v]) => parseNatRange(v), help: 'addr[-addr][:port[-port]]: the new source.' },
    { name: 'random', args: 0, help: 'Randomize the source port mapping.' },
    { name: 'random-fully', args: 0, help: 'Fully randomize the source port mapping.' },
    { name: 'persistent', args: 0, help: 'Give a client the same address for every connection.' },
  ],
  finalize(p, rule) {
    const to = p['to-source'];
    if (!to) throw new OptionError('SNAT: option "--to-source" must be specified');
    checkPorts(to.value.minPort !== null, rule);
    return { range: to.value, random: !!p.random, randomFully: !!p['random-fully'], persistent: !!p.persistent };
  },
  apply(pkt, o, ctx) {
    ctx.nat(natRequest('snat', o, pkt));
    return 'ACCEPT';
  },
  save: (o) => [`--to-source ${formatNatRange(o.range)}`, ...natFlags(o, 'save')].join(' '),
  list: (o) => [`to:${formatNatRange(o.range)}`, ...natFlags(o, 'list')].join(' '),
  xlate: (o) => xlateNat('snat', o),
};
