// -m quota --quota BYTES: match until the rule has let that many bytes through (xt_quota). The count is
// the rule's own and lasts for the run; a packet larger than what is left empties the quota.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { cUint, U64 } from '../c-number';
import { not } from '../values';

export interface QuotaOptions {
  /// Decimal, as it can exceed 2^53.
  bytes: string;
  inv: boolean;
}

interface QuotaState {
  left: bigint;
}

export const quota: MatchModule<QuotaOptions, QuotaState> = {
  kind: 'match',
  name: 'quota',
  help: 'Match until the rule has counted the given number of bytes (per rule, for the whole run).',
  simulated: true,
  stateful: true,
  options: [{
    name: 'quota', invert: true, help: 'The quota in bytes.',
    parse: ([v]) => {
      const n = cUint(v, U64);
      if (n === null) throw new OptionError('quota: bad value for option "--quota", or out of range (0-18446744073709551615).');
      return n.toString();
    },
  }],
  finalize(p) {
    if (!p.quota) throw new OptionError('quota: option "--quota" must be specified');
    return { bytes: p.quota.value, inv: p.quota.inv };
  },
  createState: (o) => ({ left: BigInt(o.bytes) }),
  // A packet that fits is counted (inverted or not); one that does not fit leaves nothing.
  match(pkt, o, _ctx, s) {
    const len = BigInt(pkt.length);
    if (s.left >= len) {
      s.left -= len;
      return !o.inv;
    }
    s.left = 0n;
    return o.inv;
  },
  explain: (_pkt, o) => (o.inv ? `the quota of ${o.bytes} bytes is not used up yet` : `the quota of ${o.bytes} bytes is used up`),
  save: (o) => `${not(o.inv)}--quota ${o.bytes}`,
  // iptables -L shows no `!`.
  list: (o) => `quota: ${o.bytes} bytes`,
  // nft's quota matches while the bytes counted stay within it, as xt_quota does (kernel-checked: an
  // 84-byte packet passes `quota 84 bytes` in both); once over, both stay over.
  xlate: (o) => ({ nft: `quota ${o.inv ? 'over ' : ''}${o.bytes} bytes` }),
};
