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
    // xt_cgroup registers for INPUT, OUTPUT and POSTROUTING (kernel-recorded: cgroup-forwarded's first draft).
    expect(error('-m cgroup --path /', 'FORWARD')).toBe('cgroup match: only valid in INPUT, OUTPUT and POSTROUTING (the kernel refuses the rule: Invalid argument)');
  });
  it('sees a local process, and the kernel\'s ICMP socket, in the root cgroup; other packets have no socket', () => {
    const m = (s: string, fields: Parameters<typeof makePacket>[0]) => { const x = matchOf<unknown>(`-m cgroup ${s}`, 'OUTPUT'); return x.module.match(makePacket(fields), x.options, testContext({ hook: 'OUTPUT' }), x.state); };
    const process = { iif: null, uid: 1000 };
    expect(typeof matchOf('-m cgroup --cgroup 0').module.simulated).toBe('string');
    expect([m('--cgroup 0', process), m('--cgroup 1', process), m('! --cgroup 1', process), m('--path /', process), m('--path /user.slice', process)]).toEqual([true, false, true, true, false]);
    // REJECT's ICMP error has the kernel's ICMP socket; its TCP reset, and anything that came in, none.
    expect([m('--path /', { iif: null, proto: 1, kernelSocket: true }), m('--path /', { iif: null, proto: 6 }), m('! --path /a', { iif: null, proto: 6 })]).toEqual([true, false, false]);
    expect([m('--cgroup 0', { iif: 'eth0' }), m('! --cgroup 1', { iif: 'eth0' }), m('--cgroup 0', { iif: 'lo', uid: null })]).toEqual([false, false, false]);
  });
  it('translates --cgroup as iptables-translate 1.8.9 does; --path stays untranslated', () => {
    const x = (s: string) => { const m = matchOf<unknown>(`-m cgroup ${s}`); return m.module.xlate!(m.options); };
    expect(x('--cgroup 1')).toEqual({ nft: 'meta cgroup 1' });
    expect(x('! --cgroup 16')).toEqual({ nft: 'meta cgroup != 16' });
    expect(x('--path /')).toHaveProperty('untranslatable');
  });
});
