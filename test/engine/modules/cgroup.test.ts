import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('cgroup', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    expect(saved('-m cgroup --cgroup 1')).toBe('-m cgroup --cgroup 1');
    expect(saved('-m cgroup ! --cgroup 0x10')).toBe('-m cgroup ! --cgroup 16');
    expect(listed('-m cgroup ! --cgroup 0x10')).toBe('cgroup ! 16');
    expect(saved('-m cgroup --path /', 'OUTPUT')).toBe('-m cgroup --path "/"');
    expect(listed('-m cgroup ! --path /')).toBe('cgroup ! /');
  });
  it('refuses what iptables and the kernel refuse', () => {
    expect(error('-m cgroup --cgroup x')).toBe('cgroup: bad value for option "--cgroup", or out of range (0-4294967295).');
    expect(error('-m cgroup')).toMatch(/the kernel refuses the match without --path or --cgroup/);
    expect(error('-m cgroup --path /a --cgroup 1')).toMatch(/the kernel refuses --path together with --cgroup/);
  });
  it('is not simulated: a local packet is from the root cgroup, others have no socket', () => {
    const m = (s: string, iif: string | null) => { const x = matchOf<unknown>(`-m cgroup ${s}`, 'OUTPUT'); return x.module.match(makePacket({ iif }), x.options, testContext({ hook: 'OUTPUT' }), x.state); };
    expect(typeof matchOf('-m cgroup --cgroup 0').module.simulated).toBe('string');
    expect([m('--cgroup 0', null), m('--cgroup 1', null), m('! --cgroup 1', null), m('--path /', null), m('--path /user.slice', null)]).toEqual([true, false, true, true, false]);
    // Not sent by a local process: no match, inverted or not.
    expect([m('--cgroup 0', 'eth0'), m('! --cgroup 1', 'eth0')]).toEqual([false, false]);
  });
  it('translates --cgroup as iptables-translate 1.8.9 does; --path stays untranslated', () => {
    const x = (s: string) => { const m = matchOf<unknown>(`-m cgroup ${s}`); return m.module.xlate!(m.options); };
    expect(x('--cgroup 1')).toEqual({ nft: 'meta cgroup 1' });
    expect(x('! --cgroup 16')).toEqual({ nft: 'meta cgroup != 16' });
    expect(x('--path /')).toHaveProperty('untranslatable');
  });
});
