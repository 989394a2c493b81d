// -m icmp --icmp-type: ICMP type and code (libxt_icmp). Loaded implicitly by `-p icmp --icmp-type ...`.
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { not } from '../values';
import { ICMP_TYPE_NAMES, type IcmpTypeName } from '../../model/icmp-types';

export interface IcmpOptions {
  /// 255 means any type.
  type: number;
  codeMin: number;
  codeMax: number;
  inv: boolean;
}

/// The names as iptables looks them up, in its order: an alias right after the name it stands for. The
/// order shows in the "Ambiguous ICMP type" message, which names the first two names a prefix fits.
const LOOKUP: readonly IcmpTypeName[] = ICMP_TYPE_NAMES.flatMap((t) => [t, ...(t.aliases ?? []).map((name) => ({ ...t, name }))]);

/// A number as C's strtoul reads it with base 0 (0x hex, leading 0 octal): the value and where it stopped,
/// or null when no digit starts it.
function strtoul(text: string, at: number): { n: number; next: number } | null {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(text.slice(at));
  if (!m) return null;
  const n = m[1].length > 1 && m[1][0] === '0' && /[xX]/.test(m[1][1]) ? parseInt(m[1].slice(2), 16) : m[1][0] === '0' ? parseInt(m[1], 8) : Number(m[1]);
  return { n, next: at + m[1].length };
}

/// A name (or an unambiguous prefix of one, any case), `type`, `type/code` or `type/min:max`.
function parseIcmpType(text: string): Omit<IcmpOptions, 'inv'> {
  const low = text.toLowerCase();
  let found: IcmpTypeName | undefined;
  for (const t of LOOKUP) {
    if (!t.name.toLowerCase().startsWith(low)) continue;
    if (found) throw new OptionError(`Ambiguous ICMP type \`${text}': \`${found.name}' or \`${t.name}'?`);
    found = t;
  }
  if (found) return { type: found.type, codeMin: found.codeMin, codeMax: found.codeMax };
  const type = strtoul(text, 0);
  if (!type || type.n > 255) throw new OptionError(`Unknown ICMP type \`${text}'`);
  let i = type.next;
  if (text[i] === ':') throw new OptionError('ICMP type range not supported');
  if (i === text.length) return { type: type.n, codeMin: 0, codeMax: 0xff };
  if (text[i] !== '/') throw new OptionError(`unknown character ${text[i]}`);
  const min = strtoul(text, i + 1);
  let max = min;
  if (min && text[min.next] === ':') max = strtoul(text, min.next + 1);
  if (!min || !max || min.n > 255 || max.n > 255) throw new OptionError(`Unknown ICMP code \`${text}'`);
  i = max.next;
  if (i !== text.length) throw new OptionError(`unknown character ${text[i]}`);
  return { type: type.n, codeMin: min.n, codeMax: max.n };
}

/// As iptables-save prints it: a code range shows only its first code (1.8.9 prints `3/1:4` as `3/1`).
function format(o: IcmpOptions): string {
  if (o.type === 0xff) return 'any';
  return o.codeMin === 0 && o.codeMax === 0xff ? String(o.type) : `${o.type}/${o.codeMin}`;
}

/// For explanations: the whole code range.
function describe(o: IcmpOptions): string {
  if (o.type === 0xff) return 'any';
  if (o.codeMin === 0 && o.codeMax === 0xff) return `type ${o.type}`;
  return `${o.type}/${o.codeMin === o.codeMax ? o.codeMin : `${o.codeMin}:${o.codeMax}`}`;
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
    if (!p['icmp-type']) throw new OptionError('icmp: option "--icmp-type" must be specified');
    return { ...p['icmp-type'].value, inv: p['icmp-type'].inv };
  },
  match(pkt, o) {
    // Later fragments carry no ICMP header: the kernel's icmp match drops them from consideration.
    if (pkt.fragOffset !== 0) return false;
    const hit = o.type === 0xff || (pkt.icmpType === o.type && pkt.icmpCode >= o.codeMin && pkt.icmpCode <= o.codeMax);
    return hit !== o.inv;
  },
  explain(pkt, o) {
    if (pkt.fragOffset !== 0) return 'a later fragment has no ICMP header';
    return `ICMP ${pkt.icmpType}/${pkt.icmpCode} is ${o.inv ? '' : 'not '}${describe(o)}`;
  },
  space(o) {
    const type: Space = o.type === 0xff ? { all: [] } : { field: 'icmp', ranges: [{ min: (o.type << 8) | o.codeMin, max: (o.type << 8) | o.codeMax }] };
    return { all: [{ field: 'fragment', ranges: [{ min: 0, max: 0 }] }, o.inv ? { not: type } : type] };
  },
  save: (o) => `${not(o.inv)}--icmp-type ${format(o)}`,
  // iptables writes "icmptype 8" but "icmp !type 8": the `!` goes between the two words.
  list(o) {
    const code = o.codeMin === 0 && o.codeMax === 0xff ? '' : o.codeMin === o.codeMax ? ` code ${o.codeMin}` : ` codes ${o.codeMin}-${o.codeMax}`;
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
