// The SPI match shared by -m esp and -m ah (xt_esp, xt_ah): a 32-bit range read from the IPsec header,
// which the packet model carries as the first bytes of the payload. A header shorter than its fixed part
// (8 bytes for ESP, 12 for AH) makes the kernel drop the packet, `!` or not (kernel-recorded:
// test/kernel/cases/modules-more/esp-short, ah-short).
import type { MatchModule } from './types';
import { OptionError } from './types';
import { parseU32Range } from './c-number';
import type { Range } from './values';
import { shortHeaderDrop, shortHeaderNote } from './short-header';
import { payloadUint } from '../model/packet';

export interface SpiOptions {
  range: Range;
  inv: boolean;
}

const FULL = (r: Range) => r.min === 0 && r.max === 0xffffffff;
const show = (r: Range, sep = ':') => (r.min === r.max ? String(r.min) : `${r.min}${sep}${r.max}`);

/// `name` is the module (esp, ah), `proto` its IP protocol, `at` the SPI's offset in the header, `size`
/// the header's fixed length.
export function spiMatch(name: 'esp' | 'ah', proto: number, at: number, size: number, what: string): MatchModule<SpiOptions> {
  const option = `${name}spi`;
  const spiOf = (payload: string): number | null => (payload.length < size ? null : payloadUint(payload, at, 4));
  return {
    kind: 'match',
    name,
    help: `Match the SPI of the ${what} header. Needs -p ${name}.`,
    simulated: `the SPI is read from the payload's first bytes (the ${what} header)`,
    options: [{ name: option, invert: true, parse: ([v]) => parseU32Range(v, name, option), help: 'An SPI, or a range min:max.' }],
    finalize(p, rule) {
      if (rule.proto !== proto || rule.protoInv) throw new OptionError(`${name} match: only valid with -p ${name} (the kernel refuses the rule: Invalid argument)`);
      const x = p[option];
      return { range: x ? x.value : { min: 0, max: 0xffffffff }, inv: !!x?.inv };
    },
    match(pkt, o, ctx) {
      if (pkt.fragOffset) return false;
      const spi = spiOf(pkt.payload);
      if (spi === null) ctx.hotdrop?.();
      return spi !== null && (spi >= o.range.min && spi <= o.range.max) !== o.inv;
    },
    explain(pkt, o) {
      if (pkt.fragOffset) return 'a later fragment carries no header';
      const spi = spiOf(pkt.payload);
      return spi === null ? `the ${what} header is shorter than ${size} bytes: the kernel drops the packet` : `SPI ${spi} is ${o.inv ? '' : 'not '}in ${show(o.range)}`;
    },
    // The full range prints nothing, even negated (iptables-save loses that `!`).
    save: (o) => (FULL(o.range) ? '' : `${o.inv ? '! ' : ''}--${option} ${show(o.range)}`),
    list: (o) => {
      const spi = FULL(o.range) && !o.inv ? '' : `spi${o.range.min === o.range.max ? '' : 's'}:${o.inv ? '!' : ''}${show(o.range)}`;
      return name === 'ah' ? `ah ${spi}` : spi ? `esp ${spi}` : 'esp';
    },
    // Compat keeps iptables-translate's `esp spi`, which lets a short header through, and says so.
    xlate(o, ctx) {
      if (o.range.min > o.range.max) return { untranslatable: `--${option} ${show(o.range)} is a reversed range, which nft refuses (the kernel never matches it${o.inv ? ', so the negation always matches' : ''})` };
      const spi = FULL(o.range) && !o.inv ? '' : `${name} spi ${o.inv ? '!= ' : ''}${show(o.range, '-')}`;
      if (ctx?.flavour === 'idiomatic') return { nft: `${shortHeaderDrop(proto, size)}${spi && ` ${spi}`}` };
      return { nft: spi, note: shortHeaderNote(what, size, spi ? `nft's \`${name} spi\`` : 'the translation') };
    },
  };
}
