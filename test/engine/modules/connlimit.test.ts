import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import type { Conn } from '../../../src/engine/model/conntrack';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

let id = 0;
const conn = (src: string) => ({ id: ++id, orig: { src: parseIPv4(src)! }, tcpState: 'ESTABLISHED' } as unknown as Conn);

describe('connlimit', () => {
  it('saves and lists as iptables 1.8.9 printed them, defaults filled in', () => {
    const cases: [string, string, string][] = [
      ['--connlimit-above 3', '--connlimit-above 3 --connlimit-mask 32 --connlimit-saddr', '#conn src/32 > 3'],
      ['--connlimit-upto 3 --connlimit-mask 24', '--connlimit-upto 3 --connlimit-mask 24 --connlimit-saddr', '#conn src/24 <= 3'],
      ['--connlimit-above 3 --connlimit-daddr', '--connlimit-above 3 --connlimit-mask 32 --connlimit-daddr', '#conn dst/32 > 3'],
      ['--connlimit-upto 0 --connlimit-saddr --connlimit-mask 0', '--connlimit-upto 0 --connlimit-mask 0 --connlimit-saddr', '#conn src/0 <= 0'],
      ['! --connlimit-above 3', '--connlimit-upto 3 --connlimit-mask 32 --connlimit-saddr', '#conn src/32 <= 3'],
      ['--connlimit-above 3 --connlimit-mask 40', '--connlimit-above 3 --connlimit-mask 32 --connlimit-saddr', '#conn src/32 > 3'],
    ];
    for (const [given, save, list] of cases) {
      expect(saved(`-m connlimit ${given}`)).toBe(`-m connlimit ${save}`);
      expect(listed(`-m connlimit ${given}`)).toBe(list);
    }
  });
  it('refuses bad input with iptables wording', () => {
    expect(error('-m connlimit --connlimit-mask 24')).toBe('You must specify "--connlimit-above" or "--connlimit-upto".');
    expect(error('-m connlimit --connlimit-upto 3 --connlimit-above 3')).toBe('connlimit: option "--connlimit-upto" cannot be used together with "--connlimit-above".');
    expect(error('-m connlimit --connlimit-above abc')).toBe('connlimit: bad value for option "--connlimit-above", or out of range (0-4294967295).');
    expect(error('-m connlimit --connlimit-above 3 --connlimit-mask -1')).toBe('connlimit: bad value for option "--connlimit-mask", neither a valid network mask nor valid CIDR (0-32).');
    expect(error('-m connlimit --connlimit-above 3 --connlimit-saddr --connlimit-daddr')).toBe('connlimit: option "--connlimit-saddr" cannot be used together with "--connlimit-daddr".');
  });
  it('counts the connections from the network that passed the rule, the new one included', () => {
    const m = matchOf<any>('-m connlimit --connlimit-above 2 --connlimit-mask 24');
    const live: Conn[] = [];
    const open = (src: string) => {
      const c = conn(src);
      live.push(c);
      return m.module.match(makePacket({ src: parseIPv4(src)! }), m.options, testContext({ ct: c, conns: live }), m.state);
    };
    expect([open('10.0.0.1'), open('10.0.0.2'), open('10.0.0.3'), open('10.0.1.1')]).toEqual([false, false, true, false]);
    // A connection conntrack forgot no longer counts.
    live.splice(0, 2);
    expect(open('10.0.0.4')).toBe(false);
    const ctx = testContext();
    expect(m.module.explain!(makePacket({ src: parseIPv4('10.0.0.9')! }), m.options, ctx)).toBe('source 10.0.0.0/24 has at most 2 connections counted by this rule');
  });
});
