import { describe, expect, it } from 'vitest';
import { parseProtocol, protocolName } from '../../../src/engine/modules/protocols';
import { saved } from './match-helper';

describe('protocols', () => {
  it('reads names and numbers as -p takes them', () => {
    expect(parseProtocol('TCP')).toBe(6);
    expect(parseProtocol('icmpv6')).toBe(58);
    expect(parseProtocol('ipv6-icmp')).toBe(58);
    expect(parseProtocol('mh')).toBe(135);
    expect(parseProtocol('all')).toBe(0);
    expect(parseProtocol('ip')).toBe(0);
    expect(parseProtocol('253')).toBe(253);
    expect(() => parseProtocol('foo')).toThrow('unknown protocol "foo" specified');
    expect(() => parseProtocol('256')).toThrow('unknown protocol "256" specified');
  });
  it('saves the name iptables-save printed', () => {
    expect(protocolName(112)).toBe('vrrp');
    expect(protocolName(253)).toBe(null);
    expect(saved('-p icmpv6')).toBe('-p ipv6-icmp');
    expect(saved('-p mh')).toBe('-p mobility-header');
    expect(saved('-p 4')).toBe('-p ipencap');
    expect(saved('-p 41')).toBe('-p ipv6');
    expect(saved('-p 143')).toBe('-p ethernet');
    expect(saved('-p 253')).toBe('-p 253');
    expect(saved('-p ALL -j ACCEPT')).toBe('-j ACCEPT');
    expect(saved('-p ip -j ACCEPT')).toBe('-j ACCEPT');
  });
});
