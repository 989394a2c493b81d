// -j TOS: rewrite the IPv4 TOS byte (libxt_TOS revision 1): tos = (tos & ~mask) ^ value. mangle only.
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { hex2 } from '../values';

/// The RFC 1349 names --set-tos takes; they change only the low six bits (mask 0x3f).
const NAMES: Record<string, number> = {
  'Minimize-Delay': 0x10, 'Maximize-Throughput': 0x08, 'Maximize-Reliability': 0x04, 'Minimize-Cost': 0x02, 'Normal-Service': 0x00,
};

export interface TosOptions {
  value: number;
  mask: number;
}

function byte(text: string, what: string): number {
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(text) || Number(text) > 255) throw new OptionError(what);
  return Number(text);
}

const h2 = (n: number) => '0x' + n.toString(16).padStart(2, '0');
const ECN = ['not-ect', 'ect1', 'ect0', 'ce'];

export const tos: TargetModule<TosOptions> = {
  kind: 'target',
  name: 'TOS',
  help: 'Rewrite the TOS byte: --set-tos value[/mask] or a name (Minimize-Delay ...), --and-tos, --or-tos, --xor-tos.',
  simulated: true,
  tables: ['mangle'],
  options: [
    {
      name: 'set-tos', values: Object.keys(NAMES),
      parse: ([v]) => {
        if (Object.hasOwn(NAMES, v)) return { value: NAMES[v], mask: 0x3f };
        const [a, b] = v.split('/');
        const bad = `Symbolic name "${v}" is unknown`;
        const value = byte(a, bad);
        return { value, mask: b === undefined ? 0xff : byte(b, bad) };
      },
      help: 'value[/mask] or a TOS name: zero the bits in mask, then xor value.',
    },
    { name: 'and-tos', parse: ([v]) => byte(v, `TOS: bad value for option "--and-tos", or out of range (0-255).`), help: 'Binary AND the TOS with this value.' },
    { name: 'or-tos', parse: ([v]) => byte(v, `TOS: bad value for option "--or-tos", or out of range (0-255).`), help: 'Binary OR the TOS with this value.' },
    { name: 'xor-tos', parse: ([v]) => byte(v, `TOS: bad value for option "--xor-tos", or out of range (0-255).`), help: 'Binary XOR the TOS with this value.' },
  ],
  finalize(p) {
    const ops = ['set-tos', 'and-tos', 'or-tos', 'xor-tos'].filter((n) => p[n]);
    if (ops.length > 1) throw new OptionError(`TOS: option "--${ops[0]}" cannot be used together with "--${ops[1]}".`);
    const op = ops[0];
    if (!op) throw new OptionError('TOS: An action is required');
    const v = p[op]!.value;
    if (op === 'set-tos') return v;
    if (op === 'and-tos') return { value: 0, mask: ~v & 0xff };
    if (op === 'or-tos') return { value: v, mask: v };
    return { value: v, mask: 0 };
  },
  apply(pkt, o) {
    pkt.tos = ((pkt.tos & ~o.mask) ^ o.value) & 0xff;
    return 'CONTINUE';
  },
  save: (o) => `--set-tos ${hex2(o.value)}/${hex2(o.mask)}`,
  list: (o) => `TOS set ${hex2(o.value)}/${hex2(o.mask)}`,
  xlate(o) {
    // nft sets ip dscp (upper six bits) and ip ecn (lower two) to constants only: each field must be
    // replaced whole or left alone.
    const out: string[] = [];
    for (const [field, bits, shift, names] of [['dscp', 0xfc, 2, null], ['ecn', 0x03, 0, ECN]] as const) {
      const m = o.mask & bits;
      const v = o.value & bits;
      if (m === bits) out.push(`ip ${field} set ${names ? names[v] : hex2(v >> shift)}`);
      else if (m !== 0 || v !== 0)
        return { untranslatable: `nftables sets ip dscp and ip ecn only to constants: TOS mask ${hex2(o.mask)} changes part of the ${field} field` };
    }
    if (!out.length) return { untranslatable: 'the TOS rule changes nothing' };
    return { nft: out.join(' '), note: 'iptables-translate 1.8.9 writes ip6 dscp in an ip table and shifts the TOS value (ODDITIES A6)' };
  },
};
