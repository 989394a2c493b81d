import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('TOS', () => {
  it('saves and lists every form as value/mask, as the kernel printed them', () => {
    const cases: [string, string][] = [
      ['--set-tos 0x10', '0x10/0xff'], ['--set-tos Minimize-Delay', '0x10/0x3f'], ['--set-tos Maximize-Throughput', '0x08/0x3f'],
      ['--set-tos Maximize-Reliability', '0x04/0x3f'], ['--set-tos Minimize-Cost', '0x02/0x3f'], ['--set-tos Normal-Service', '0x00/0x3f'],
      ['--set-tos 0x10/0x0f', '0x10/0x0f'], ['--and-tos 0x3f', '0x00/0xc0'], ['--or-tos 0x4', '0x04/0x04'], ['--xor-tos 0x4', '0x04/0x00'],
    ];
    for (const [opt, v] of cases) {
      expect(saved('mangle', 'PREROUTING', `-j TOS ${opt}`)).toBe(`-A PREROUTING -j TOS --set-tos ${v}`);
      expect(listed('mangle', 'PREROUTING', `-j TOS ${opt}`)).toBe(`TOS set ${v}`);
    }
  });
  it('refuses what iptables refuses', () => {
    expect(error('mangle', 'PREROUTING', '-j TOS --set-tos 0x100')).toBe('Symbolic name "0x100" is unknown');
    expect(error('mangle', 'PREROUTING', '-j TOS')).toBe('TOS: An action is required');
    expect(error('filter', 'INPUT', '-j TOS --set-tos 0x10')).toMatch(/only valid in the mangle table/);
  });
  it('rewrites the TOS byte', () => {
    const run = (opt: string, tos: number) => {
      const t = target('mangle', 'PREROUTING', `-j TOS ${opt}`);
      const pkt = makePacket({ tos });
      expect(t.module.apply(pkt, t.options, testContext())).toBe('CONTINUE');
      return pkt.tos;
    };
    expect(run('--set-tos 0x10', 0xb8)).toBe(0x10);
    expect(run('--set-tos Minimize-Delay', 0xe3)).toBe(0xd0);
    expect(run('--and-tos 0x0f', 0xff)).toBe(0x0f);
    expect(run('--xor-tos 0x01', 0x03)).toBe(0x02);
  });
});
