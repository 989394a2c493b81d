import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import type { Conn } from '../../../src/engine/model/conntrack';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void parseIPv4; void testContext; void error; void listed; void saved; void target;
const conn = (mark: number) => ({ mark } as unknown as Conn);
void conn;

describe('MARK', () => {
  it('saves every form as --set-xmark value/mask', () => {
    const cases: [string, string][] = [
      ['--set-mark 5', '0x5/0xffffffff'], ['--set-mark 5/0xff', '0x5/0xff'], ['--set-mark 0x100/0xff', '0x100/0x1ff'],
      ['--set-xmark 0x10/0x10', '0x10/0x10'], ['--set-xmark 7', '0x7/0xffffffff'], ['--and-mark 0xff', '0x0/0xffffff00'],
      ['--or-mark 0x4', '0x4/0x4'], ['--xor-mark 3', '0x3/0x0'], ['--set-mark 0', '0x0/0xffffffff'],
    ];
    for (const [opt, x] of cases) expect(saved('mangle', 'PREROUTING', `-j MARK ${opt}`)).toBe(`-A PREROUTING -j MARK --set-xmark ${x}`);
    expect(saved('filter', 'INPUT', '-j MARK --set-mark 9')).toBe('-A INPUT -j MARK --set-xmark 0x9/0xffffffff');
  });
  it('lists the operation as iptables -L does', () => {
    const cases: [string, string][] = [
      ['--set-mark 5', 'MARK set 0x5'], ['--set-mark 5/0xff', 'MARK xset 0x5/0xff'], ['--set-xmark 0x10/0x10', 'MARK or 0x10'],
      ['--and-mark 0xff', 'MARK and 0xff'], ['--xor-mark 3', 'MARK xor 0x3'], ['--set-mark 0', 'MARK and 0x0'],
      ['--set-mark 0xffffffff', 'MARK or 0xffffffff'], ['--set-mark 0x100/0xff', 'MARK xset 0x100/0x1ff'],
    ];
    for (const [opt, l] of cases) expect(listed('mangle', 'PREROUTING', `-j MARK ${opt}`)).toBe(l);
  });
  it('refuses bad input', () => {
    expect(error('mangle', 'PREROUTING', '-j MARK')).toBe('MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required');
    expect(error('mangle', 'PREROUTING', '-j MARK --set-mark 0x100000000')).toBe('MARK: bad integer value for option "--set-mark", or out of range.');
    expect(error('mangle', 'PREROUTING', '-j MARK --set-mark foo')).toBe('MARK: bad integer value for option "--set-mark", or out of range.');
    expect(error('mangle', 'PREROUTING', '-j MARK --and-mark 0xff/0xf')).toBe('MARK: bad value for option "--and-mark", or out of range (0-4294967295).');
    expect(error('mangle', 'PREROUTING', '-j MARK --set-mark 1 --or-mark 2')).toBe('MARK: option "--set-mark" cannot be used together with "--or-mark".');
  });
  it('rewrites the packet mark', () => {
    const run = (opt: string, mark: number) => {
      const t = target('mangle', 'PREROUTING', `-j MARK ${opt}`);
      const pkt = makePacket({ mark });
      expect(t.module.apply(pkt, t.options, testContext())).toBe('CONTINUE');
      return pkt.mark;
    };
    expect(run('--set-mark 5', 0xf0)).toBe(5);
    expect(run('--set-mark 0x1/0xf', 0xf0)).toBe(0xf1);
    expect(run('--set-xmark 0x1/0xf', 0xff)).toBe(0xf1);
    expect(run('--and-mark 0x0f', 0xff)).toBe(0x0f);
    expect(run('--or-mark 0x100', 0xff)).toBe(0x1ff);
    expect(run('--xor-mark 0x3', 0x1)).toBe(0x2);
    expect(run('--set-mark 0xffffffff', 0)).toBe(0xffffffff);
  });
  it('translates', () => {
    const x = (opt: string) => { const t = target('mangle', 'PREROUTING', `-j MARK ${opt}`); return t.module.xlate!(t.options); };
    expect(x('--set-mark 0x64')).toEqual({ nft: 'meta mark set 0x64' });
    expect(x('--and-mark 64')).toEqual({ nft: 'meta mark set mark and 0x40' });
    expect(x('--set-mark 0x2/0xff')).toEqual({ nft: 'meta mark set mark and 0xffffff00 xor 0x2' });
  });
});
