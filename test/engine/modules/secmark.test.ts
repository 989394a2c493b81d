import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('SECMARK', () => {
  it('parses and saves; parsed only (the kernel needs SELinux)', () => {
    expect(saved('mangle', 'INPUT', '-j SECMARK --selctx system_u:object_r:ssh_packet_t:s0')).toBe('-A INPUT -j SECMARK --selctx "system_u:object_r:ssh_packet_t:s0"');
    expect(error('mangle', 'INPUT', '-j SECMARK')).toBe('SECMARK: option "--selctx" must be specified');
    expect(error('filter', 'INPUT', '-j SECMARK --selctx a')).toMatch(/only valid in the mangle\/security table/);
    const t = target('mangle', 'INPUT', '-j SECMARK --selctx a');
    expect(t.module.apply(makePacket(), t.options, testContext())).toBe('CONTINUE');
  });
});
