import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('addrtype', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    expect(saved('-m addrtype ! --src-type LOCAL,UNICAST --dst-type BROADCAST,MULTICAST')).toBe('-m addrtype ! --src-type UNICAST,LOCAL --dst-type BROADCAST,MULTICAST');
    expect(listed('-m addrtype ! --src-type LOCAL,UNICAST --dst-type BROADCAST,MULTICAST')).toBe('ADDRTYPE match src-type !UNICAST,LOCAL dst-type BROADCAST,MULTICAST');
    expect(saved('-m addrtype --dst-type local --limit-iface-in')).toBe('-m addrtype --dst-type LOCAL --limit-iface-in');
    expect(listed('-m addrtype --dst-type LOCAL --limit-iface-in')).toBe('ADDRTYPE match dst-type LOCAL limit-in');
    expect(saved('-m addrtype ! --src-type LOCAL ! --dst-type LOCAL --limit-iface-out', 'OUTPUT')).toBe('-m addrtype ! --src-type LOCAL ! --dst-type LOCAL --limit-iface-out');
  });
  it('refuses bad input', () => {
    expect(error('-m addrtype')).toBe('addrtype: you must specify --src-type or --dst-type');
    expect(error('-m addrtype --src-type FOO')).toBe('addrtype: bad type "FOO"');
    expect(error('-m addrtype --dst-type LOCAL --limit-iface-in --limit-iface-out')).toBe('addrtype: option "--limit-iface-in" cannot be used together with "--limit-iface-out".');
  });
  it('asks the host how routing classifies the address', () => {
    const m = matchOf<any>('-m addrtype --dst-type LOCAL');
    const pkt = (dst: string) => makePacket({ dst: parseIPv4(dst)! });
    expect(m.module.match(pkt('10.0.0.1'), m.options, testContext(), m.state)).toBe(true);
    expect(m.module.match(pkt('8.8.8.8'), m.options, testContext(), m.state)).toBe(false);
    expect(m.module.explain!(pkt('8.8.8.8'), m.options, testContext())).toBe('destination 8.8.8.8 is UNICAST, not LOCAL');
  });
});
