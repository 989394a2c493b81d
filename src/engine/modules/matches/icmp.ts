// -m icmp --icmp-type: ICMP type and code (libxt_icmp). Loaded implicitly by `-p icmp --icmp-type ...`.
import type { MatchModule, Space } from '../types';
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
  space(o) {
    const type: Space = o.type === 0xff ? { all: [] } : { field: 'icmp', ranges: [{ min: (o.type << 8) | o.codeMin, max: (o.type << 8) | o.codeMax }] };
    return { all: [{ field: 'fragment', ranges: [{ min: 0, max: 0 }] }, o.inv ? { not: type } : type] };
  },
  save: (o) => `${not(o.inv)}--icmp-type ${format(o)}`,
  // iptables writes "icmptype 8" but "icmp !type 8": the `!` goes between the two words.
  list(o) {
    const code = o.codeMin === 0 && o.codeMax === 0xff ? '' : ` code ${o.codeMin}`;
    return `icmp${o.inv ? ' !' : ''}type ${o.type}${code}`;
  },
  xlate(o) {
    // iptables-translate writes `any` as the protocol alone, where the header would have put it.
    if (o.type === 0xff) return { nft: 'ip protocol icmp' };
    // nft's names; iptables-translate 1.8.9 knows these (and not info-request/reply, 15 and 16).
    const name = ['echo-reply', , , 'destination-unreachable', 'source-quench', 'redirect', , , 'echo-request', 'router-advertisement', 'router-solicitation',
      'time-exceeded', 'parameter-problem', 'timestamp-request', 'timestamp-reply', , , 'address-mask-request', 'address-mask-reply'][o.type];
    const whole = o.codeMin === 0 && o.codeMax === 0xff;
    const type = `icmp type ${o.inv && whole ? '!= ' : ''}${name ?? o.type}`;
    let nft = type;
    if (!whole) {
      if (o.inv) return { untranslatable: 'a negated ICMP type with a code is two conditions (nft has no negated pair)' };
      nft += ` icmp code ${o.codeMin === o.codeMax ? o.codeMin : `${o.codeMin}-${o.codeMax}`}`;
    }
    // 1.8.9 translates only types it has a name for, with every code (ODDITIES C29).
    return name && whole ? { nft } : { nft, note: 'iptables-translate 1.8.9 leaves an ICMP type without a name, or with a code, untranslated' };
  },
};
