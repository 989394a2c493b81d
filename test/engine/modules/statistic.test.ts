import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('statistic', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    const cases: [string, string, string][] = [
      ['--mode random --probability 0.5', '--mode random --probability 0.50000000000', 'statistic mode random probability 0.50000000000'],
      ['--mode random ! --probability 0.1', '--mode random ! --probability 0.10000000009', 'statistic mode random ! probability 0.10000000009'],
      ['--mode random --probability 1', '--mode random --probability 1.00000000000', 'statistic mode random probability 1.00000000000'],
      ['--mode random --probability 0.333', '--mode random --probability 0.33300000010', 'statistic mode random probability 0.33300000010'],
      ['--mode random --probability .25', '--mode random --probability 0.25000000000', 'statistic mode random probability 0.25000000000'],
      ['--mode random --probability 1e-1', '--mode random --probability 0.10000000009', 'statistic mode random probability 0.10000000009'],
      ['--mode random --probability 0.999999999999', '--mode random --probability 1.00000000000', 'statistic mode random probability 1.00000000000'],
      ['--mode nth --every 3 --packet 0', '--mode nth --every 3 --packet 0', 'statistic mode nth every 3'],
      ['--mode nth ! --every 3 --packet 2', '--mode nth ! --every 3 --packet 2', 'statistic mode nth ! every 3 packet 2'],
    ];
    for (const [given, save, list] of cases) {
      expect(saved(`-m statistic ${given}`)).toBe(`-m statistic ${save}`);
      expect(listed(`-m statistic ${given}`)).toBe(list);
    }
  });
  it('refuses bad input with iptables wording', () => {
    expect(error('-m statistic')).toBe('--probability must be specified when using random mode');
    expect(error('-m statistic --mode foo')).toBe('Bad mode "foo"');
    expect(error('-m statistic --mode nth --every 3')).toBe('statistic: option "--every" also requires "--packet".');
    expect(error('-m statistic --mode nth --every 0 --packet 0')).toBe('statistic: bad value for option "--every", or out of range (1-4294967295).');
    expect(error('-m statistic --mode nth --every 3 --packet 3')).toBe('the --packet p must be 0 <= p <= n-1');
    expect(error('-m statistic --mode random --probability 1.5')).toBe('statistic: bad value for option "--probability", or out of range (0-1).');
    expect(error('-m statistic --mode nth --probability 0.5')).toBe('--every and --packet must be specified when using nth mode');
  });
  it('nth: one counter per rule, the first packet is packet 0 (as the kernel counted)', () => {
    const run = (spec: string, n: number) => {
      const m = matchOf<any>(spec);
      return Array.from({ length: n }, () => m.module.match(makePacket(), m.options, testContext(), m.state));
    };
    expect(run('-m statistic --mode nth --every 3 --packet 0', 6)).toEqual([true, false, false, true, false, false]);
    expect(run('-m statistic --mode nth --every 3 --packet 1', 6)).toEqual([false, true, false, false, true, false]);
    expect(run('-m statistic --mode nth ! --every 2 --packet 1', 4)).toEqual([true, false, true, false]);
  });
  it('random: a draw below the probability matches', () => {
    const m = matchOf<any>('-m statistic --mode random --probability 0.5');
    const draws = [0.1, 0.7, 0.49, 0.5];
    const ctx = testContext({ random: () => draws.shift()! });
    expect([0, 1, 2, 3].map(() => m.module.match(makePacket(), m.options, ctx, m.state))).toEqual([true, false, true, false]);
    expect(m.module.explain!(makePacket(), m.options, ctx)).toBe('the random draw did not fall within probability 0.50000000000');
  });
});
