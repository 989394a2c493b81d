import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('TPROXY', () => {
  it('saves every field and lists as the kernel printed them', () => {
    const cases: [string, string, string][] = [
      ['--on-port 8080 --tproxy-mark 0x1/0x1', '--on-port 8080 --on-ip 0.0.0.0 --tproxy-mark 0x1/0x1', 'TPROXY redirect 0.0.0.0:8080 mark 0x1/0x1'],
      ['--on-port 8080 --on-ip 127.0.0.1', '--on-port 8080 --on-ip 127.0.0.1 --tproxy-mark 0x0/0x0', 'TPROXY redirect 127.0.0.1:8080 mark 0x0/0x0'],
      ['--on-port 8080 --on-ip 127.0.0.1 --tproxy-mark 5', '--on-port 8080 --on-ip 127.0.0.1 --tproxy-mark 0x5/0xffffffff', 'TPROXY redirect 127.0.0.1:8080 mark 0x5/0xffffffff'],
    ];
    for (const [opts, s, l] of cases) {
      expect(saved('mangle', 'PREROUTING', `-p tcp -j TPROXY ${opts}`)).toBe(`-A PREROUTING -p tcp -j TPROXY ${s}`);
      expect(listed('mangle', 'PREROUTING', `-p tcp -j TPROXY ${opts}`)).toBe(l);
    }
  });
  it('refuses what iptables and the kernel refuse', () => {
    expect(error('mangle', 'PREROUTING', '-p tcp -j TPROXY --on-ip 127.0.0.1')).toBe('TPROXY: option "--on-port" must be specified');
    expect(error('mangle', 'PREROUTING', '-j TPROXY --on-port 8080')).toMatch(/only valid with -p tcp or -p udp/);
    expect(error('mangle', 'INPUT', '-p tcp -j TPROXY --on-port 8080')).toMatch(/only valid in PREROUTING/);
    expect(error('filter', 'INPUT', '-p tcp -j TPROXY --on-port 8080')).toMatch(/only valid in the mangle table/);
  });
  it('marks and accepts', () => {
    const t = target('mangle', 'PREROUTING', '-p tcp -j TPROXY --on-port 8080 --tproxy-mark 0x1/0x1');
    const pkt = makePacket({ proto: 6, mark: 0x10 });
    expect(t.module.apply(pkt, t.options, testContext())).toBe('ACCEPT');
    expect(pkt.mark).toBe(0x11);
  });
});
