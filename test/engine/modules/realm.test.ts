import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseRuleset } from '../../../src/engine/parse';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('realm', () => {
  it('saves and lists as iptables 1.8.9 printed them (realm 0 by its name)', () => {
    expect(saved('-m realm --realm 10')).toBe('-m realm --realm 0xa');
    expect(listed('-m realm --realm 10')).toBe('realm 0xa');
    expect(saved('-m realm ! --realm 0x10/0xff')).toBe('-m realm ! --realm 0x10/0xff');
    expect(listed('-m realm ! --realm 0x10/0xff')).toBe('! realm 0x10/0xff');
    expect(saved('-m realm --realm 0')).toBe('-m realm --realm cosmos');
    expect(listed('-m realm --realm cosmos')).toBe('realm 0x0');
    expect(saved('-m realm --realm 010')).toBe('-m realm --realm 0x8');
  });
  it('refuses bad input with iptables wording, and PREROUTING as the kernel does', () => {
    expect(error('-m realm --realm foo')).toBe('realm: could not map name foo to an integer value for option "--realm".');
    expect(error('-m realm --realm 10/x')).toBe('realm: bad integer value for option "--realm", or out of range.');
    expect(error('-m realm')).toBe('realm: option "--realm" must be specified');
    expect(parseRuleset('*mangle\n-A PREROUTING -m realm --realm 1\nCOMMIT\n').diagnostics[0].message).toMatch(/^realm match: not valid in PREROUTING/);
  });
  it('sees every route in realm 0', () => {
    const m = (s: string) => { const x = matchOf<unknown>(`-m realm ${s}`); return x.module.match(makePacket(), x.options, testContext(), x.state); };
    expect([m('--realm 0'), m('--realm 10'), m('! --realm 10'), m('--realm 0x10/0x0f')]).toEqual([true, false, true, false]);
    const x = (s: string) => { const y = matchOf<unknown>(`-m realm ${s}`); return y.module.xlate!(y.options); };
    expect(x('--realm 10')).toEqual({ nft: 'rtclassid 0xa' });
    expect(x('! --realm 0x10/0xff')).toEqual({ nft: 'rtclassid and 0xff != 0x10' });
    expect(x('--realm cosmos')).toEqual({ nft: 'rtclassid cosmos' });
  });
});
