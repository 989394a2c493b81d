import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import type { Conn } from '../../../src/engine/model/conntrack';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void parseIPv4; void testContext; void error; void listed; void saved; void target;
const conn = (mark: number) => ({ mark } as unknown as Conn);
void conn;

describe('CONNMARK', () => {
  it('saves as iptables-save printed it', () => {
    const s = (opt: string) => saved('mangle', 'PREROUTING', `-j CONNMARK ${opt}`).replace('-A PREROUTING -j CONNMARK ', '');
    expect(s('--set-mark 5')).toBe('--set-xmark 0x5/0xffffffff');
    expect(s('--set-mark 5/0xff')).toBe('--set-xmark 0x5/0xff');
    expect(s('--set-mark 1 --mask 3')).toBe('--set-xmark 0x1/0x3');
    expect(s('--and-mark 0xff')).toBe('--set-xmark 0x0/0xffffff00');
    expect(s('--save-mark')).toBe('--save-mark --nfmask 0xffffffff --ctmask 0xffffffff');
    expect(s('--restore-mark --mask 0xff')).toBe('--restore-mark --nfmask 0xff --ctmask 0xff');
    expect(s('--restore-mark --ctmask 0xf0')).toBe('--restore-mark --nfmask 0xffffffff --ctmask 0xf0');
  });
  it('lists as iptables -L printed it', () => {
    const l = (opt: string) => listed('mangle', 'PREROUTING', `-j CONNMARK ${opt}`);
    expect(l('--set-mark 5')).toBe('CONNMARK set 0x5');
    expect(l('--set-xmark 5/0xff')).toBe('CONNMARK xset 0x5/0xff');
    expect(l('--or-mark 0x4')).toBe('CONNMARK or 0x4');
    expect(l('--save-mark')).toBe('CONNMARK save');
    expect(l('--restore-mark')).toBe('CONNMARK restore');
    expect(l('--save-mark --mask 0xff')).toBe('CONNMARK save mask 0xff');
    expect(l('--save-mark --nfmask 0xff --ctmask 0xf0')).toBe('CONNMARK save nfmask 0xff ctmask ~0xf0');
    expect(l('--restore-mark --nfmask 0xff --ctmask 0xf0')).toBe('CONNMARK restore ctmask 0xf0 nfmask ~0xff');
    expect(l('--restore-mark --ctmask 0xf0')).toBe('CONNMARK restore ctmask 0xf0 nfmask ~0xffffffff');
  });
  it('refuses bad input', () => {
    expect(error('mangle', 'PREROUTING', '-j CONNMARK')).toBe('CONNMARK target: No operation specified');
    expect(error('mangle', 'PREROUTING', '-j CONNMARK --set-mark 1 --save-mark')).toBe('CONNMARK: option "--set-mark" cannot be used together with "--save-mark".');
    expect(error('mangle', 'PREROUTING', '-j CONNMARK --save-mark --mask 0xff --nfmask 0xf')).toBe('CONNMARK: option "--nfmask" cannot be used together with "--mask".');
  });
  it('sets, saves and restores marks', () => {
    const run = (opt: string, pktMark: number, ctMark: number) => {
      const t = target('mangle', 'PREROUTING', `-j CONNMARK ${opt}`);
      const ct = conn(ctMark);
      const pkt = makePacket({ mark: pktMark });
      expect(t.module.apply(pkt, t.options, testContext({ ct }))).toBe('CONTINUE');
      return [pkt.mark, ct.mark];
    };
    expect(run('--set-mark 7', 1, 0xf0)).toEqual([1, 7]);
    expect(run('--save-mark', 0x12, 0)).toEqual([0x12, 0x12]);
    expect(run('--save-mark --mask 0x0f', 0x12, 0xf0)).toEqual([0x12, 0xf2]);
    expect(run('--restore-mark', 0x5, 0x99)).toEqual([0x99, 0x99]);
    expect(run('--restore-mark --nfmask 0xff --ctmask 0xf0', 0x105, 0x99)).toEqual([0x190, 0x99]);
  });
  it('translates', () => {
    const x = (opt: string) => { const t = target('mangle', 'PREROUTING', `-j CONNMARK ${opt}`); return t.module.xlate!(t.options); };
    expect(x('--restore-mark')).toEqual({ nft: 'meta mark set ct mark' });
    expect(x('--save-mark --mask 0xff')).toEqual({ nft: 'ct mark set mark and 0xff' });
    expect(x('--or-mark 0x16')).toEqual({ nft: 'ct mark set ct mark or 0x16' });
  });
});
