import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('CHECKSUM', () => {
  it('saves, lists and refuses as iptables does', () => {
    expect(saved('mangle', 'POSTROUTING', '-p udp -j CHECKSUM --checksum-fill')).toBe('-A POSTROUTING -p udp -j CHECKSUM --checksum-fill');
    expect(listed('mangle', 'POSTROUTING', '-p udp -j CHECKSUM --checksum-fill')).toBe('CHECKSUM fill');
    expect(error('mangle', 'POSTROUTING', '-j CHECKSUM')).toBe('CHECKSUM: option "--checksum-fill" must be specified');
    expect(error('filter', 'OUTPUT', '-j CHECKSUM --checksum-fill')).toMatch(/only valid in the mangle table/);
    const t = target('mangle', 'POSTROUTING', '-j CHECKSUM --checksum-fill');
    expect(t.module.apply(makePacket(), t.options, testContext())).toBe('CONTINUE');
    expect(t.module.xlate!(t.options)).toHaveProperty('untranslatable');
  });
});
