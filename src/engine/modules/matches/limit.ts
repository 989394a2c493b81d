// -m limit: a token bucket shared by every packet the rule sees (xt_limit). The bucket starts full
// (--limit-burst tokens, default 5) and refills at --limit per unit; each match takes a token.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { RATE_ABBR, RATE_UNITS, parseRate, parseUint } from '../values';

export interface Rate {
  count: number;
  unit: 'second' | 'minute' | 'hour' | 'day';
}

export interface LimitOptions {
  rate: Rate;
  burst: number;
}

/// Seconds between two tokens.
export const period = (r: Rate) => RATE_UNITS[r.unit] / r.count;
export const formatRate = (r: Rate) => `${r.count}/${RATE_ABBR[r.unit]}`;

/// A token bucket in seconds of credit, as xt_limit keeps it in jiffies: full at start, capped at burst.
export class Bucket {
  private credit: number;
  private last: number | null = null;
  constructor(private cost: number, private cap: number) {
    this.credit = cap;
  }
  take(now: number): boolean {
    if (this.last !== null) this.credit = Math.min(this.cap, this.credit + (now - this.last));
    this.last = now;
    if (this.credit >= this.cost) {
      this.credit -= this.cost;
      return true;
    }
    return false;
  }
}

export const limit: MatchModule<LimitOptions, Bucket> = {
  kind: 'match',
  name: 'limit',
  help: 'Match at most --limit packets per unit, after an initial burst of --limit-burst (default 5).',
  simulated: true,
  stateful: true,
  options: [
    { name: 'limit', parse: ([v]) => parseRate(v), help: 'Average rate: N/second, N/minute, N/hour or N/day (default 3/hour).' },
    { name: 'limit-burst', parse: ([v]) => parseUint(v, 10000, 'burst'), help: 'Packets allowed at once before the rate applies (default 5).' },
  ],
  finalize(p) {
    if (p.limit?.inv) throw new OptionError('limit does not support invert');
    return { rate: p.limit?.value ?? { count: 3, unit: 'hour' }, burst: p['limit-burst']?.value ?? 5 };
  },
  createState: (o) => new Bucket(period(o.rate), period(o.rate) * o.burst),
  match: (_pkt, _o, ctx, bucket) => bucket.take(ctx.now),
  explain: (_pkt, o) => `over the limit of ${formatRate(o.rate)} (burst ${o.burst})`,
  save: (o) => `--limit ${formatRate(o.rate)}${o.burst !== 5 ? ` --limit-burst ${o.burst}` : ''}`,
  list: (o) => `limit: avg ${formatRate(o.rate)} burst ${o.burst}`,
  xlate: (o) => ({ nft: `limit rate ${o.rate.count}/${o.rate.unit}${o.burst !== 5 ? ` burst ${o.burst} packets` : ''}` }),
};
