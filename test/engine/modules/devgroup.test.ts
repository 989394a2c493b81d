import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { Host } from '../../../src/engine/sim/host';
import { error, listed, matchOf, saved } from './match-helper';

describe('devgroup', () => {
  it('saves and lists as iptables 1.8.9 printed them (group 0 by its name)', () => {
    expect(saved('-m devgroup --src-group 2')).toBe('-m devgroup --src-group 0x2');
    expect(listed('-m devgroup --src-group 2')).toBe('src-group 0x2');
    expect(saved('-m devgroup --src-group 0')).toBe('-m devgroup --src-group default');
    expect(listed('-m devgroup --src-group default')).toBe('src-group 0x0');
    expect(saved('-m devgroup ! --src-group 2/0xf')).toBe('-m devgroup ! --src-group 0x2/0xf');
    expect(saved('-m devgroup ! --src-group 2/0xf --dst-group 0x10/255', 'FORWARD')).toBe('-m devgroup ! --src-group 0x2/0xf --dst-group 0x10/0xff');
    expect(listed('-m devgroup --src-group 2/0xf')).toBe('src-group 0x2/0xf');
  });
  it('refuses bad input with iptables wording, and the hooks the kernel refuses', () => {
    expect(error('-m devgroup --src-group foo')).toBe('devgroup: could not map name foo to an integer value for option "--src-group".');
    expect(error('-m devgroup --src-group default/0xf')).toBe('devgroup: could not map name default/0xf to an integer value for option "--src-group".');
    expect(error('-m devgroup --src-group 4294967296')).toBe('devgroup: could not map name 4294967296 to an integer value for option "--src-group".');
    expect(error('-m devgroup --src-group 2/x')).toBe('devgroup: bad integer value for option "--src-group", or out of range.');
    expect(error('-m devgroup')).toBe('devgroup match: You must specify either \'--src-group\' or \'--dst-group\'');
    expect(error('-m devgroup --dst-group 2')).toMatch(/--dst-group is only valid in FORWARD, OUTPUT and POSTROUTING/);
    expect(error('-m devgroup --src-group 2', 'OUTPUT')).toMatch(/--src-group is only valid in PREROUTING, INPUT and FORWARD/);
  });
  it('reads the groups of the input and output interfaces (0 without a group)', () => {
    const host = new Host({ interfaces: [{ name: 'eth0', addresses: [] }, { name: 'eth1', addresses: [], group: 6 }] });
    const m = (s: string, iif: string, oif: string | null = null) => { const x = matchOf<unknown>(`-m devgroup ${s}`, 'FORWARD'); return x.module.match(makePacket({ iif, oif }), x.options, testContext({ host }), x.state); };
    expect([m('--src-group 0', 'eth0'), m('--src-group 2', 'eth0'), m('! --src-group 2', 'eth0'), m('--src-group 2/0x1', 'eth0')]).toEqual([true, false, true, true]);
    expect([m('--src-group 6', 'eth1'), m('--src-group 0x4/0x4', 'eth1'), m('--src-group default', 'eth1')]).toEqual([true, true, false]);
    expect(() => new Host({ interfaces: [{ name: 'eth0', addresses: [], group: -1 }] })).toThrow('host.interfaces[0].group: group -1 is not a number 0-4294967295');
    expect([m('! --src-group 1 --dst-group 6', 'eth0', 'eth1'), m('! --src-group 1 --dst-group 0', 'eth0', 'eth1')]).toEqual([true, false]);
    const x = matchOf<unknown>('-m devgroup --src-group 0 ! --dst-group 6', 'FORWARD');
    expect(x.module.explain!(makePacket({ iif: 'eth0', oif: 'eth1' }), x.options, testContext({ host }))).toBe('eth1 is in group 6, which --dst-group 0x6 excludes');
  });
  it('translates as iptables-translate 1.8.9 does', () => {
    const x = (s: string, flavour: 'compat' | 'idiomatic' = 'compat') => { const m = matchOf<unknown>(`-m devgroup ${s}`, 'FORWARD'); return m.module.xlate!(m.options, { flavour } as never); };
    expect(x('--src-group 2')).toEqual({ nft: 'iifgroup 0x2' });
    expect(x('--src-group 0')).toEqual({ nft: 'iifgroup default' });
    expect(x('--src-group 2 ! --dst-group 0x10')).toEqual({ nft: 'iifgroup 0x2 oifgroup != 0x10' });
    expect(x('! --src-group 2 ! --dst-group 0x10')).toEqual({ nft: 'iifgroup != 0x2 oifgroup != 0x10' });
  });
  it('negates --dst-group only when asked, where the reference carries the ! of --src-group over (kernel-checked)', () => {
    const x = (s: string, flavour: 'compat' | 'idiomatic' = 'compat') => { const m = matchOf<unknown>(`-m devgroup ${s}`, 'FORWARD'); return m.module.xlate!(m.options, { flavour } as never); };
    const note = 'iptables-translate 1.8.9 negates --dst-group as well when --src-group is negated (`oifgroup !=`), which matches the other groups';
    expect(x('! --src-group 2/0xf --dst-group 0x10/255')).toEqual({ nft: 'iifgroup and 0xf != 0x2 oifgroup and 0xff == 0x10', note });
    expect(x('--src-group 2/0xf ! --dst-group 0x10/255')).toEqual({ nft: 'iifgroup and 0xf == 0x2 oifgroup and 0xff != 0x10' });
    expect(x('! --src-group 1 --dst-group 0')).toEqual({ nft: 'iifgroup != 0x1 oifgroup default', note });
    expect(x('! --src-group 2 --dst-group 0x10', 'idiomatic')).toEqual({ nft: 'iifgroup != 0x2 oifgroup 0x10' });
  });
});
