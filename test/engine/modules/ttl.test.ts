import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('TTL', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('mangle', 'PREROUTING', '-j TTL --ttl-set 64')).toBe('-A PREROUTING -j TTL --ttl-set 64');
    expect(listed('mangle', 'PREROUTING', '-j TTL --ttl-set 64')).toBe('TTL set to 64');
    expect(listed('mangle', 'PREROUTING', '-j TTL --ttl-dec 1')).toBe('TTL decrement by 1');
    expect(listed('mangle', 'PREROUTING', '-j TTL --ttl-inc 2')).toBe('TTL increment by 2');
  });
  it('refuses what iptables refuses', () => {
    expect(error('mangle', 'PREROUTING', '-j TTL --ttl-dec 0')).toBe('TTL: bad value for option "--ttl-dec", or out of range (1-255).');
    expect(error('mangle', 'PREROUTING', '-j TTL --ttl-set 256')).toBe('TTL: bad value for option "--ttl-set", or out of range (0-255).');
    expect(error('mangle', 'PREROUTING', '-j TTL')).toBe('TTL: You must specify an action');
    expect(error('filter', 'INPUT', '-j TTL --ttl-set 64')).toMatch(/only valid in the mangle table/);
  });
  it('rewrites the TTL within 0-255', () => {
    const run = (opt: string, ttl: number) => {
      const t = target('mangle', 'PREROUTING', `-j TTL ${opt}`);
      const pkt = makePacket({ ttl });
      t.module.apply(pkt, t.options, testContext());
      return pkt.ttl;
    };
    expect(run('--ttl-set 128', 64)).toBe(128);
    expect(run('--ttl-dec 5', 3)).toBe(0);
    expect(run('--ttl-inc 10', 250)).toBe(255);
    expect(run('--ttl-inc 1', 64)).toBe(65);
  });
});
