import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('ULOG', () => {
  it('parses and saves old rulesets although the kernel no longer has it', () => {
    expect(saved('filter', 'INPUT', "-j ULOG --ulog-nlgroup 1 --ulog-qthreshold 1 --ulog-prefix 'INVALID state -- DENY '"))
      .toBe('-A INPUT -j ULOG --ulog-prefix "INVALID state -- DENY "');
    expect(saved('filter', 'INPUT', '-j ULOG --ulog-nlgroup 2 --ulog-prefix foo')).toBe('-A INPUT -j ULOG --ulog-nlgroup 2 --ulog-prefix foo');
    expect(error('filter', 'INPUT', '-j ULOG --ulog-nlgroup 33')).toBe('ULOG: bad value for option "--ulog-nlgroup", or out of range (1-32).');
    const t = target('filter', 'INPUT', '-j ULOG');
    expect(t.module.simulated).toMatch(/Extension ULOG revision 0 not supported/);
    expect(t.module.apply(makePacket(), t.options, testContext())).toBe('CONTINUE');
  });
});
