import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('QUEUE', () => {
  it('parses, saves bare and drops as a queue without a listener', () => {
    expect(saved('filter', 'INPUT', '-j QUEUE')).toBe('-A INPUT -j QUEUE');
    const t = target('filter', 'INPUT', '-j QUEUE');
    expect(t.module.apply(makePacket(), t.options, testContext())).toBe('DROP');
    expect(t.module.simulated).toMatch(/ip_queue/);
  });
});
