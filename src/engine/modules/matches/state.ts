// -m state --state: the packet's conntrack state (libxt_state, an alias of conntrack --ctstate).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { not, parseNameList } from '../values';

const STATES = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED'] as const;
export type StateName = (typeof STATES)[number];

/// iptables prints states in this order, whatever order they were given in.
export function formatStates(s: readonly StateName[]): string {
  return STATES.filter((x) => s.includes(x)).join(',');
}

export interface StateOptions {
  states: StateName[];
  inv: boolean;
}

export const state: MatchModule<StateOptions> = {
  kind: 'match',
  name: 'state',
  help: 'Match the connection tracking state of the packet (prefer -m conntrack --ctstate).',
  simulated: true,
  options: [
    { name: 'state', invert: true, values: STATES, parse: ([v]) => parseNameList(v, STATES, 'state'), help: 'Comma-separated states: NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED.' },
  ],
  finalize(p) {
    if (!p.state) throw new OptionError('state match: option "--state" must be specified');
    return { states: p.state.value, inv: p.state.inv };
  },
  match(_pkt, o, ctx) {
    return o.states.includes(ctx.ctState as StateName) !== o.inv;
  },
  explain(_pkt, o, ctx) {
    return `state ${ctx.ctState} is ${o.inv ? '' : 'not '}in ${formatStates(o.states)}`;
  },
  space(o) {
    const s: Space = { field: 'ctstate', states: o.states };
    return o.inv ? { not: s } : s;
  },
  save: (o) => `${not(o.inv)}--state ${formatStates(o.states)}`,
  list: (o) => `${not(o.inv)}state ${formatStates(o.states)}`,
  // Negated state flags are `!` (none of the flags set), as nft lists them: `!= a,b` compares the whole value
  // with a|b, so it would match a NEW packet (kernel-recorded: test/kernel/cases/nft-equiv/matches-ctstate-negated).
  xlate: (o) => ({ nft: `ct state ${o.inv ? '! ' : ''}${formatStates(o.states).toLowerCase()}` }),
};
