import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void parseIPv4; void testContext; void error; void listed; void saved; void target;
const ip = (s: string) => parseIPv4(s)!;
void ip;

describe('NETMAP', () => {
  it('saves and lists as the kernel printed them, masking the address', () => {
    expect(saved('nat', 'PREROUTING', '-j NETMAP --to 10.0.0.0/24')).toBe('-A PREROUTING -j NETMAP --to 10.0.0.0/24');
    expect(saved('nat', 'POSTROUTING', '-j NETMAP --to 10.0.0.5/24')).toBe('-A POSTROUTING -j NETMAP --to 10.0.0.0/24');
    expect(saved('nat', 'POSTROUTING', '-j NETMAP --to 10.0.0.5')).toBe('-A POSTROUTING -j NETMAP --to 10.0.0.5/32');
    expect(saved('nat', 'INPUT', '-j NETMAP --to 10.0.0.0/255.255.0.0')).toBe('-A INPUT -j NETMAP --to 10.0.0.0/16');
    expect(listed('nat', 'OUTPUT', '-j NETMAP --to 10.0.0.0/8')).toBe('to:10.0.0.0/8');
  });
  it('refuses what iptables refuses', () => {
    expect(error('nat', 'OUTPUT', '-j NETMAP')).toBe('NETMAP: option "--to" must be specified');
    expect(error('filter', 'INPUT', '-j NETMAP --to 10.0.0.0/8')).toMatch(/only valid in the nat table/);
  });
  it('asks for the mapping', () => {
    const t = target('nat', 'PREROUTING', '-j NETMAP --to 192.168.1.0/24');
    const ctx = testContext({ hook: 'PREROUTING' });
    expect(t.module.apply(makePacket(), t.options, ctx)).toBe('ACCEPT');
    expect(ctx.nats).toEqual([{ kind: 'netmap', addr: ip('192.168.1.0'), mask: 0xffffff00 }]);
  });
});
