import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import type { XlateContext } from '../../../src/engine/modules/types';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

const spi = (n: number) => String.fromCharCode(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

describe('esp', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    const cases: [string, string, string][] = [
      ['--espspi 500', '-p esp -m esp --espspi 500', 'esp spi:500'],
      ['! --espspi 500:600', '-p esp -m esp ! --espspi 500:600', 'esp spis:!500:600'],
      ['--espspi :600', '-p esp -m esp --espspi 0:600', 'esp spis:0:600'],
      ['--espspi 600:', '-p esp -m esp --espspi 600:4294967295', 'esp spis:600:4294967295'],
      ['--espspi 600:500', '-p esp -m esp --espspi 600:500', 'esp spis:600:500'],
      ['', '-p esp -m esp', 'esp'],
      ['--espspi 0:4294967295', '-p esp -m esp', 'esp'],
      // iptables-save loses the ! of a full range; -L keeps it.
      ['! --espspi 0:4294967295', '-p esp -m esp', 'esp spis:!0:4294967295'],
    ];
    for (const [given, save, list] of cases) {
      expect(saved(`-p esp -m esp ${given}`)).toBe(save);
      expect(listed(`-p esp -m esp ${given}`)).toBe(list);
    }
  });
  it('refuses bad input with iptables wording', () => {
    expect(error('-p esp -m esp --espspi x')).toBe('esp: bad value for option "--espspi" near "x", or out of range (0-4294967295).');
    expect(error('-p esp -m esp --espspi 4294967296')).toBe('esp: bad value for option "--espspi" near "4294967296", or out of range (0-4294967295).');
    expect(error('-m esp --espspi 1')).toMatch(/only valid with -p esp/);
  });
  it('reads the SPI from the first four payload bytes', () => {
    const m = matchOf<unknown>('-p esp -m esp --espspi 500:600');
    const seq = '\0\0\0\x01';
    const run = (payload: string, fragOffset = 0) => m.module.match(makePacket({ proto: 50, payload, fragOffset }), m.options, testContext(), m.state);
    expect([run(spi(500) + seq + 'x'), run(spi(601) + seq), run(spi(500) + seq, 3)]).toEqual([true, false, false]);
  });
  it('drops a packet whose ESP header is shorter than 8 bytes, negated or not (esp-short)', () => {
    const drops: number[] = [];
    const run = (s: string, payload: string) => {
      const m = matchOf<unknown>(`-p esp -m esp ${s}`);
      return m.module.match(makePacket({ proto: 50, payload }), m.options, testContext({ hotdrop: () => drops.push(payload.length) }), m.state);
    };
    expect([run('--espspi 500', spi(500)), run('! --espspi 500', '\0\0\0\x01\0\0\0'), run('! --espspi 500', spi(1) + '\0\0\0\0')]).toEqual([false, false, true]);
    expect(drops).toEqual([4, 7]);
    const m = matchOf<unknown>('-p esp -m esp --espspi 500');
    expect(m.module.explain!(makePacket({ proto: 50 }), m.options, testContext())).toBe('the ESP header is shorter than 8 bytes: the kernel drops the packet');
  });
  it('translates as iptables-translate 1.8.9 does, where nft can', () => {
    const x = (s: string, flavour: XlateContext['flavour'] = 'compat') => { const m = matchOf<unknown>(`-p esp -m esp ${s}`); return m.module.xlate!(m.options, { flavour } as XlateContext); };
    expect(x('--espspi 500')).toMatchObject({ nft: 'esp spi 500' });
    expect(x('! --espspi 500:600')).toMatchObject({ nft: 'esp spi != 500-600' });
    expect(x('--espspi 600:')).toMatchObject({ nft: 'esp spi 600-4294967295' });
    expect(x('')).toMatchObject({ nft: '' });
    expect(x('--espspi 600:500')).toHaveProperty('untranslatable');
    // Compat notes the hotdrop it does not reproduce; idiomatic drops a header under 8 bytes first, for
    // every IP header length (kernel-recorded: nft-equiv/modules-more-esp-short).
    expect(x('--espspi 500')).toHaveProperty('note', "iptables drops a packet whose ESP header is shorter than 8 bytes; with nft's `esp spi` it goes on (matched on the bytes there are, or not at all; the idiomatic translation tests the length)");
    const guard = `ip protocol esp ip frag-off & 0x1fff 0 ip hdrlength . ip length vmap { ${Array.from({ length: 11 }, (_, i) => `${i + 5} . 0-${(i + 5) * 4 + 7} : drop, ${i + 5} . ${(i + 5) * 4 + 8}-65535 : continue`).join(', ')} }`;
    expect(x('! --espspi 500:600', 'idiomatic')).toEqual({ nft: `${guard} esp spi != 500-600` });
    expect(x('', 'idiomatic')).toEqual({ nft: guard });
  });
});
