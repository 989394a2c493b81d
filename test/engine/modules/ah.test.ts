import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import type { XlateContext } from '../../../src/engine/modules/types';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('ah', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    expect(saved('-p ah -m ah --ahspi 500')).toBe('-p ah -m ah --ahspi 500');
    expect(listed('-p ah -m ah --ahspi 500')).toBe('ah spi:500');
    expect(saved('-p ah -m ah ! --ahspi 500:600')).toBe('-p ah -m ah ! --ahspi 500:600');
    expect(listed('-p ah -m ah ! --ahspi 500:600')).toBe('ah spis:!500:600');
    expect(saved('-p ah -m ah')).toBe('-p ah -m ah');
    // iptables -L ends a bare ah match with a space.
    expect(listed('-p ah -m ah')).toBe('ah ');
  });
  it('refuses bad input with iptables wording', () => {
    expect(error('-p ah -m ah --ahspi x')).toBe('ah: bad value for option "--ahspi" near "x", or out of range (0-4294967295).');
    expect(error('-m ah --ahspi 1')).toMatch(/only valid with -p ah/);
  });
  it('reads the SPI from payload bytes 4 to 7, after next header, length and reserved', () => {
    const m = matchOf<unknown>('-p ah -m ah --ahspi 500');
    const seq = '\0\0\0\x07';
    const run = (payload: string) => m.module.match(makePacket({ proto: 51, payload }), m.options, testContext(), m.state);
    expect([run('\x32\x04\0\0\0\0\x01\xf4' + seq), run('\x32\x04\0\0\0\0\x01\xf5' + seq)]).toEqual([true, false]);
    // Compat writes iptables-translate's line and notes the hotdrop; idiomatic tests the length first.
    expect(m.module.xlate!(m.options)).toEqual({ nft: 'ah spi 500', note: expect.stringMatching(/^iptables drops a packet whose AH header is shorter than 12 bytes; with nft's `ah spi` it goes on/) });
    expect(m.module.xlate!(m.options, { flavour: 'idiomatic' } as XlateContext)).toEqual({ nft: expect.stringMatching(/^ip protocol ah ip frag-off & 0x1fff 0 ip hdrlength \. ip length vmap \{ 5 \. 0-31 : drop, 5 \. 32-65535 : continue, .* 15 \. 0-71 : drop, 15 \. 72-65535 : continue \} ah spi 500$/) });
  });
  it('drops a packet whose AH header is shorter than 12 bytes, as the kernel does (ah-short)', () => {
    const m = matchOf<unknown>('-p ah -m ah ! --ahspi 500');
    const ctx = testContext({ hotdrop: () => drops.push('hotdrop') });
    const drops: string[] = [];
    const spi500 = '\x32\x04\0\0\0\0\x01\xf4';
    expect(m.module.match(makePacket({ proto: 51, payload: spi500 + '\0\0\0' }), m.options, ctx, m.state)).toBe(false);
    expect(drops).toEqual(['hotdrop']);
    expect(m.module.explain!(makePacket({ proto: 51, payload: spi500 }), m.options, ctx)).toBe('the AH header is shorter than 12 bytes: the kernel drops the packet');
  });
});
