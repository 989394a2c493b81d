import { describe, expect, it } from 'vitest';
import { makePacket, TCP } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('u32', () => {
  it('saves and lists every number in hex, as the kernel printed them', () => {
    expect(saved('-m u32 --u32 "0>>22&0x3C@12>>26&0x3F=0x10"')).toBe('-m u32 --u32 "0x0>>0x16&0x3c@0xc>>0x1a&0x3f=0x10"');
    expect(saved('-m u32 --u32 "0 >> 22 & 0x3C @ 12 >> 26 & 0x3F = 0x10"')).toBe('-m u32 --u32 "0x0>>0x16&0x3c@0xc>>0x1a&0x3f=0x10"');
    expect(saved('-m u32 --u32 "6 & 0xFF = 1:17,6"')).toBe('-m u32 --u32 "0x6&0xff=0x1:0x11,0x6"');
    expect(saved('-m u32 ! --u32 "6&0xFF=1"')).toBe('-m u32 ! --u32 "0x6&0xff=0x1"');
    expect(listed('-m u32 --u32 "6&0xFF=6&&0>>22&0x3C@0>>16=80"')).toBe('u32 "0x6&0xff=0x6&&0x0>>0x16&0x3c@0x0>>0x10=0x50"');
    expect(listed('-m u32 ! --u32 "6&0xFF=1"')).toBe('u32 ! "0x6&0xff=0x1"');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-m u32 --u32 "foo"')).toBe('u32: at char 0: not a number or out of range');
    expect(error('-m u32 --u32 "6&0xFF=0x100000000"')).toBe('u32: at char 7: not a number or out of range');
    expect(error('-m u32 --u32 "6&0xFF"')).toBe('u32: abrupt end of input after location specifier');
    expect(error('-m u32 --u32 "6&0xFF=1:2:3"')).toBe('u32: at char 10: expected "," or "&&"');
    expect(error('-m u32 --u32 "6&0xFF=1,2,3,4,5,6,7,8,9,10,11"')).toBe('u32: at char 30: too many ","s');
    expect(error(`-m u32 --u32 "${Array(11).fill('6&0xFF=1').join('&&')}"`)).toBe('u32: at char 108: too many "&&"s');
    expect(error('-m u32 --u32 "0@4@8@12@16@20@24@28@32@36@40=1"')).toBe('u32: at char 29: too many operators');
  });
  it('reads the IPv4 header, the transport header and the payload', () => {
    const ctx = testContext();
    const run = (expr: string, fields: Parameters<typeof makePacket>[0]) => {
      const m = matchOf<any>(`-m u32 --u32 "${expr}"`);
      return m.module.match(makePacket(fields), m.options, ctx, m.state);
    };
    // The protocol byte.
    expect(run('6&0xFF=6', { proto: 6 })).toBe(true);
    expect(run('6&0xFF=6', { proto: 17 })).toBe(false);
    // TCP destination port through the header length, and SYN alone.
    const syn = { proto: 6, sport: 40000, dport: 80, flags: TCP.SYN, length: 40 };
    expect(run('0>>22&0x3C@0&0xFFFF=80', syn)).toBe(true);
    expect(run('0>>22&0x3C@0&0xFFFF=443', syn)).toBe(false);
    expect(run('0>>22&0x3C@12>>16&0x3F=0x02', syn)).toBe(true);
    // The first payload bytes of a UDP packet ("GET " is 0x47455420).
    expect(run('0>>22&0x3C@8=0x47455420', { proto: 17, payload: 'GET /', length: 33 })).toBe(true);
    // A read past the end of the packet fails the test.
    expect(run('0>>22&0x3C@100=0', { proto: 17, length: 28 })).toBe(false);
  });
});
