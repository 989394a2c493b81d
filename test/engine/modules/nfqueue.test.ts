import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('NFQUEUE', () => {
  it('saves and lists as the kernel printed them', () => {
    const cases: [string, string, string][] = [
      ['-j NFQUEUE', '--queue-num 0', 'NFQUEUE num 0'],
      ['-j NFQUEUE --queue-num 5', '--queue-num 5', 'NFQUEUE num 5'],
      ['-j NFQUEUE --queue-balance 2:5 --queue-bypass', '--queue-balance 2:5 --queue-bypass', 'NFQUEUE balance 2:5 bypass'],
      ['-j NFQUEUE --queue-bypass', '--queue-num 0 --queue-bypass', 'NFQUEUE num 0 bypass'],
      ['-j NFQUEUE --queue-balance 2:5 --queue-cpu-fanout', '--queue-balance 2:5 --queue-cpu-fanout', 'NFQUEUE balance 2:5 cpu-fanout'],
      ['-j NFQUEUE --queue-balance 4:', '--queue-balance 4:65535', 'NFQUEUE balance 4:65535'],
    ];
    for (const [spec, s, l] of cases) {
      expect(saved('filter', 'INPUT', spec)).toBe(`-A INPUT -j NFQUEUE ${s}`);
      expect(listed('filter', 'INPUT', spec)).toBe(l);
    }
  });
  it('refuses what iptables refuses', () => {
    expect(error('filter', 'INPUT', '-j NFQUEUE --queue-num 3 --queue-balance 2:5')).toBe('NFQUEUE: option "--queue-num" cannot be used together with "--queue-balance".');
    expect(error('filter', 'INPUT', '-j NFQUEUE --queue-balance 5:2')).toBe('5 should be less than 2');
    expect(error('filter', 'INPUT', '-j NFQUEUE --queue-balance 2:2')).toBe('2 should be less than 2');
    expect(error('filter', 'INPUT', '-j NFQUEUE --queue-num 65536')).toBe('NFQUEUE: bad value for option "--queue-num", or out of range (0-65535).');
    expect(error('filter', 'INPUT', '-j NFQUEUE --queue-num 2 --queue-cpu-fanout')).toBe('NFQUEUE: option "--queue-cpu-fanout" also requires "--queue-balance".');
  });
  it('drops without a listener, accepts with --queue-bypass', () => {
    const v = (spec: string) => { const t = target('filter', 'INPUT', spec); return t.module.apply(makePacket(), t.options, testContext()); };
    expect(v('-j NFQUEUE --queue-num 1')).toBe('DROP');
    expect(v('-j NFQUEUE --queue-num 1 --queue-bypass')).toBe('ACCEPT');
    const t = target('filter', 'INPUT', '-j NFQUEUE --queue-balance 0:6 --queue-cpu-fanout --queue-bypass');
    expect(t.module.xlate!(t.options)).toEqual({ nft: 'queue num 0-6 bypass,fanout' });
  });
});
