import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';

describe('TEE', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('mangle', 'PREROUTING', '-i eth1 -j TEE --gateway 10.0.0.1')).toBe('-A PREROUTING -i eth1 -j TEE --gateway 10.0.0.1');
    expect(listed('mangle', 'PREROUTING', '-j TEE --gateway 10.0.0.1')).toBe('TEE gw:10.0.0.1');
    expect(saved('mangle', 'PREROUTING', '-j TEE --gateway 10.0.0.1 --oif eth0')).toBe('-A PREROUTING -j TEE --gateway 10.0.0.1 --oif eth0');
    expect(listed('mangle', 'PREROUTING', '-j TEE --gateway 10.0.0.1 --oif 0123456789abcdef')).toBe('TEE gw:10.0.0.1 oif=0123456789abcde');
    expect(saved('filter', 'INPUT', '-j TEE --gateway 10.0.0.1')).toBe('-A INPUT -j TEE --gateway 10.0.0.1');
  });
  it('refuses what iptables refuses', () => {
    expect(error('mangle', 'PREROUTING', '-j TEE')).toBe('TEE: option "--gateway" must be specified');
    expect(error('mangle', 'PREROUTING', '-j TEE --gateway 10.0.0.0/8')).toBe('getaddrinfo: Name or service not known');
    expect(error('mangle', 'PREROUTING', '-j TEE --gateway gw.example')).toMatch(/cannot resolve host names/);
  });
  it('asks for a copy to the gateway, lets the original continue unchanged, and translates to dup', () => {
    const t = target('mangle', 'PREROUTING', '-j TEE --gateway 10.0.0.1 --oif eth0');
    const p = makePacket({ proto: 17, length: 60 });
    const copies: string[] = [];
    expect(t.module.apply(p, t.options, testContext({ duplicate: (gw, oif) => copies.push(`${gw} ${oif}`) }))).toBe('CONTINUE');
    expect(copies).toEqual([`${0x0a000001} eth0`]);
    expect(p).toEqual(makePacket({ proto: 17, length: 60 }));
    expect(t.module.simulated).toBe(true);
    expect(t.module.xlate!(t.options)).toEqual({ nft: 'dup to 10.0.0.1 device eth0' });
    const plain = target('mangle', 'PREROUTING', '-j TEE --gateway 10.0.0.1');
    expect(plain.module.xlate!(plain.options)).toEqual({ nft: 'dup to 10.0.0.1' });
  });
});
