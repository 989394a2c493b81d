import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

/// Match results for packets at the given times (seconds).
function times(spec: string, at: number[]): boolean[] {
  const m = matchOf<any>(spec);
  return at.map((now) => m.module.match(makePacket(), m.options, testContext({ now }), m.state));
}

describe('limit', () => {
  it('saves rates in the unit iptables prints them', () => {
    const cases: [string, string][] = [
      ['3/min', '3/min'], ['10/s', '10/sec'], ['60/min', '1/sec'], ['120/minute', '2/sec'], ['24/day', '1/hour'],
      ['3600/hour', '1/sec'], ['5000/min', '83/sec'], ['9999/sec', '10000/sec'], ['7/hour', '7/hour'], ['100/day', '100/day'],
      ['61/min', '61/min'], ['5/SEC', '5/sec'], ['5/se', '5/sec'], ['7', '7/sec'],
    ];
    for (const [given, printed] of cases) expect(saved(`-m limit --limit ${given}`)).toBe(`-m limit --limit ${printed}`);
    expect(saved('-m limit')).toBe('-m limit --limit 3/hour');
    expect(saved('-m limit --limit-burst 10')).toBe('-m limit --limit 3/hour --limit-burst 10');
    expect(saved('-m limit --limit 3/min --limit-burst 5')).toBe('-m limit --limit 3/min');
    expect(saved('-m limit --limit 3/hour --limit-burst 0')).toBe('-m limit --limit 3/hour');
    expect(listed('-m limit --limit 3/min --limit-burst 2')).toBe('limit: avg 3/min burst 2');
    expect(listed('-m limit --limit 5000/min')).toBe('limit: avg 83/sec burst 5');
  });
  it('refuses bad input with iptables wording', () => {
    expect(error('-m limit --limit 10001/sec')).toBe('Rate too fast "10001/sec"');
    expect(error('-m limit --limit 0/sec')).toBe('bad rate "0/sec"\'');
    expect(error('-m limit --limit 5/secs')).toBe('bad rate "5/secs"\'');
    expect(error('-m limit --limit 5/')).toBe('bad rate "5/"\'');
    expect(error('-m limit --limit-burst 10001')).toBe('limit: bad value for option "--limit-burst", or out of range (0-10000).');
    expect(error('-m limit ! --limit 5/sec')).toBe('limit: option "--limit" cannot be inverted.');
  });
  it('is a token bucket that starts full (as the kernel showed: burst 2 passes 2 of 5 at once)', () => {
    expect(times('-m limit --limit 3/min --limit-burst 2', [0, 0, 0])).toEqual([true, true, false]);
    // One token every 20 s.
    expect(times('-m limit --limit 3/min --limit-burst 2', [0, 0, 0, 19, 20, 21, 40])).toEqual([true, true, false, false, true, false, true]);
    // Recorded in a namespace: 3/sec burst 1, packets at 0, 0.34, 0.68, 0.78, 0.88, 1.08.
    expect(times('-m limit --limit 3/sec --limit-burst 1', [0, 0.34, 0.68, 0.78, 0.88, 1.08])).toEqual([true, true, true, false, false, true]);
    // Idle time refills no more than the burst.
    expect(times('-m limit --limit 1/sec --limit-burst 3', [0, 0, 0, 100, 100, 100, 100])).toEqual([true, true, true, true, true, true, false]);
  });
  it('explains and translates', () => {
    const m = matchOf<any>('-m limit --limit 3/min --limit-burst 2');
    expect(m.module.explain!(makePacket(), m.options, testContext())).toBe('over the limit of 3/min with a burst of 2: the bucket is empty');
    expect(m.module.xlate!(m.options)).toEqual({ nft: 'limit rate 3/minute burst 2 packets' });
  });
});
