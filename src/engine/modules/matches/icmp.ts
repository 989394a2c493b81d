// -m icmp --icmp-type: ICMP type and code (libxt_icmp). Loaded implicitly by `-p icmp --icmp-type ...`.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { not } from '../values';
import { findIcmpType, ICMP_TYPE_NAMES } from '../../model/icmp-types';

export interface IcmpOptions {
  /// 255 means any type.
  type: number;
  codeMin: number;
  codeMax: number;
  inv: boolean;
}

function parseIcmpType(text: string): Omit<IcmpOptions, 'inv'> {
  const named = findIcmpType(text);
  if (named) return { type: named.type, codeMin: named.codeMin, codeMax: named.codeMax };
  const m = /^(\d+)(?:\/(\d+))?$/.exec(text);
  if (!m || Number(m[1]) > 255 || (m[2] !== undefined && Number(m[2]) > 255)) throw new OptionError(`Invalid ICMP type \`${text}'`);
  const code = m[2] === undefined ? null : Number(m[2]);
  return { type: Number(m[1]), codeMin: code ?? 0, codeMax: code ?? 0xff };
}

function format(o: IcmpOptions): string {
  if (o.type === 0xff) return 'any';
  return o.codeMin === 0 && o.codeMax === 0xff ? String(o.type) : `${o.type}/${o.codeMin}`;
}

export const icmp: MatchModule<IcmpOptions> = {
  kind: 'match',
  name: 'icmp',
  help: 'Match the ICMP type (and code). Needs -p icmp.',
  simulated: true,
  options: [
    {
      name: 'icmp-type', invert: true, values: ICMP_TYPE_NAMES.map((t) => t.name), parse: ([v]) => parseIcmpType(v),
      help: 'A type name (echo-request, port-unreachable ...), a number, or type/code (3/4); any for all.',
    },
  ],
  finalize(p, rule) {
    if (rule.proto !== 1 || rule.protoInv) throw new OptionError("ICMP match requires '-p icmp'");
    if (!p['icmp-type']) throw new OptionError('icmp match: option "--icmp-type" must be specified');
    return { ...p['icmp-type'].value, inv: p['icmp-type'].inv };
  },
  match(pkt, o) {
    // Later fragments carry no ICMP header: the kernel's icmp match drops them from consideration.
    if (pkt.fragOffset !== 0) return false;
    const hit = o.type === 0xff || (pkt.icmpType === o.type && pkt.icmpCode >= o.codeMin && pkt.icmpCode <= o.codeMax);
    return hit !== o.inv;
  },
  explain(pkt, o) {
    return `ICMP ${pkt.icmpType}/${pkt.icmpCode} is ${o.inv ? '' : 'not '}${format(o)}`;
  },
  save: (o) => `${not(o.inv)}--icmp-type ${format(o)}`,
  // iptables writes "icmptype 8" but "icmp !type 8": the `!` goes between the two words.
  list(o) {
    const code = o.codeMin === 0 && o.codeMax === 0xff ? '' : ` code ${o.codeMin}`;
    return `icmp${o.inv ? ' !' : ''}type ${o.type}${code}`;
  },
  xlate(o) {
    if (o.type === 0xff) return { nft: 'meta l4proto icmp' };
    const name = ICMP_TYPE_NAMES.find((t) => t.type === o.type && t.codeMin === 0 && t.codeMax === 0xff)?.name;
    const type = `icmp type ${o.inv ? '!= ' : ''}${name ?? o.type}`;
    return { nft: o.codeMin === 0 && o.codeMax === 0xff ? type : `${type} icmp code ${o.codeMin}` };
  },
};
