// -m u32: tests on 32-bit words at offsets of the packet (libxt_u32). Parsed and printed as iptables
// normalises it (numbers in hex); the packet model has no raw bytes to run it on.
import type { MatchModule } from '../types';
import { OptionError } from '../types';

export interface U32Options {
  expr: string;
  inv: boolean;
}

/// Every number as iptables prints it back: lowercase hex.
function normalize(expr: string): string {
  return expr.replace(/\s+/g, '').replace(/0x[0-9a-fA-F]+|\d+/g, (n) => '0x' + Number(n).toString(16));
}

export const u32: MatchModule<U32Options> = {
  kind: 'match',
  name: 'u32',
  help: 'Match 32-bit words read at offsets of the packet, masked and shifted: "0>>22&0x3C@12>>26&0x3F=0x10".',
  simulated: 'the packet model has no raw bytes for u32 to read: the rule is shown as not matching',
  options: [{ name: 'u32', invert: true, help: 'The u32 test expression.', parse: ([v]) => {
    if (!/^[0-9a-fA-Fx&<>@=:,\s]+$/.test(v) || !v.includes('=')) throw new OptionError(`u32: bad expression "${v}"`);
    return v;
  } }],
  finalize(p) {
    if (!p.u32) throw new OptionError('u32 match: option "--u32" must be specified');
    return { expr: normalize(p.u32.value), inv: p.u32.inv };
  },
  match: (_pkt, o) => o.inv,
  explain: () => 'u32 is not simulated',
  save: (o) => `${o.inv ? '! ' : ''}--u32 "${o.expr}"`,
  list: (o) => `u32 ${o.inv ? '! ' : ''}"${o.expr}"`,
  xlate: () => ({ untranslatable: 'nftables has no u32 match (raw payload expressions need rewriting by hand)' }),
};
