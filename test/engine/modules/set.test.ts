import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('SET', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('filter', 'INPUT', '-j SET --add-set s1 src --exist --timeout 10')).toBe('-A INPUT -j SET --add-set s1 src --exist --timeout 10');
    expect(saved('filter', 'INPUT', '-j SET --del-set s1 dst --add-set s1 src')).toBe('-A INPUT -j SET --add-set s1 src --del-set s1 dst');
    expect(listed('filter', 'INPUT', '-j SET --del-set s1 src,dst')).toBe('del-set s1 src,dst');
    expect(listed('filter', 'INPUT', '-j SET --add-set s1 src --exist --timeout 10')).toBe('add-set s1 src exist timeout 10');
  });
  it('needs a set operation; parsed only', () => {
    expect(error('filter', 'INPUT', '-j SET')).toBe("You must specify either `--add-set' or `--del-set' or `--map-set'");
    const t = target('filter', 'INPUT', '-j SET --add-set s1 src');
    expect(typeof t.module.simulated).toBe('string');
    expect(t.module.apply(makePacket(), t.options, testContext())).toBe('CONTINUE');
  });
});
