import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('state', () => {
  it('saves and lists in iptables order', () => {
    expect(saved('-m state --state ESTABLISHED,new')).toBe('-m state --state NEW,ESTABLISHED');
    expect(saved('-m state ! --state UNTRACKED,INVALID,RELATED')).toBe('-m state ! --state INVALID,RELATED,UNTRACKED');
    expect(listed('-m state ! --state UNTRACKED,INVALID,RELATED')).toBe('! state INVALID,RELATED,UNTRACKED');
  });
  it('refuses bad input', () => {
    expect(error('-m state')).toBe('state match: option "--state" must be specified');
    expect(error('-m state --state SNAT')).toBe('Bad state "SNAT"');
  });
  it('matches the conntrack state and explains', () => {
    const m = matchOf<any>('-m state --state ESTABLISHED,RELATED');
    expect(m.module.match(makePacket(), m.options, testContext({ ctState: 'RELATED' }), m.state)).toBe(true);
    const ctx = testContext({ ctState: 'NEW' });
    expect(m.module.match(makePacket(), m.options, ctx, m.state)).toBe(false);
    expect(m.module.explain!(makePacket(), m.options, ctx)).toBe('state NEW is not in RELATED,ESTABLISHED');
  });
});
