// -m limit: a token bucket shared by every packet the rule sees. iptables-nft 1.8.9 loads it as nftables'
// own `limit rate N/unit burst B packets`: the bucket starts full (B tokens, default 5), refills one token
// per period and never holds more than B. Each matching packet takes a token.
import type { MatchModule } from '../types';
import { OptionError } from '../types';

export interface Rate {
  count: number;
  unit: 'second' | 'minute' | 'hour' | 'day';
}

export interface LimitOptions {
  rate: Rate;
  burst: number;
}

const UNITS: [Rate['unit'], number, string][] = [['day', 86400, 'day'], ['hour', 3600, 'hour'], ['minute', 60, 'min'], ['second', 1, 'sec']];

/// Seconds between two tokens.
export const period = (r: Rate) => UNITS.find(([u]) => u === r.unit)![1] / r.count;
export const formatRate = (r: Rate) => `${r.count}/${UNITS.find(([u]) => u === r.unit)![2]}`;

/// `N[/unit]`, the unit any prefix of second, minute, hour, day (case-insensitive), default second.
export function parseRateText(text: string, what: string): { count: number; secs: number; unit: Rate['unit'] } {
  const m = /^(\d+)(?:\/(.*))?$/.exec(text);
  const u = m?.[2]?.toLowerCase();
  const unit = u === undefined ? UNITS[3] : u === '' ? undefined : UNITS.find(([name]) => name.startsWith(u));
  if (!m || !unit || Number(m[1]) === 0) throw new OptionError(what);
  return { count: Number(m[1]), secs: unit[1], unit: unit[0] };
}

/// iptables keeps a rate as the interval between packets in 1/scale seconds (an integer), and prints it
/// back in the largest unit that says it exactly: 60/min is 1/sec, 5000/min is 83/sec.
export function normalizeRate(count: number, secs: number, scale: number): { rate: Rate; interval: number } {
  const interval = Math.floor((scale * secs) / count);
  return { rate: rateOfInterval(interval, scale), interval };
}

export function rateOfInterval(interval: number, scale: number): Rate {
  let i = 1;
  for (; i < UNITS.length; i++) {
    const mult = UNITS[i][1] * scale;
    if (interval > mult || Math.floor(mult / interval) < mult % interval) break;
  }
  return { count: Math.floor((UNITS[i - 1][1] * scale) / interval), unit: UNITS[i - 1][0] };
}

/// A token bucket in seconds of credit: full at start, capped at burst periods.
export class Bucket {
  private credit: number;
  private last: number | null = null;
  constructor(private cost: number, private cap: number) {
    this.credit = cap;
  }
  /// Refills for the time since the last packet; takes a token when there is one.
  take(now: number, cost = this.cost): boolean {
    if (this.last !== null) this.credit = Math.min(this.cap, this.credit + (now - this.last));
    this.last = now;
    if (this.credit >= cost - 1e-9) {
      this.credit = Math.max(0, this.credit - cost);
      return true;
    }
    return false;
  }
  /// Tokens left (for explanations).
  tokens(): number {
    return this.credit / this.cost;
  }
}

const LIMIT_SCALE = 10000;

export const limit: MatchModule<LimitOptions, Bucket> = {
  kind: 'match',
  name: 'limit',
  help: 'Match at most --limit packets per unit, after an initial burst of --limit-burst (default 5).',
  simulated: true,
  stateful: true,
  options: [
    {
      name: 'limit', invert: true, help: 'Average rate: N/second, N/minute, N/hour or N/day (default 3/hour).',
      parse: ([v]) => {
        const r = parseRateText(v, `bad rate "${v}"'`);
        if (r.count / r.secs > LIMIT_SCALE) throw new OptionError(`Rate too fast "${v}"`);
        return normalizeRate(r.count, r.secs, LIMIT_SCALE).rate;
      },
    },
    {
      name: 'limit-burst', help: 'Packets allowed at once before the rate applies (default 5).',
      parse: ([v]) => {
        if (!/^\d+$/.test(v) || Number(v) > 10000) throw new OptionError('limit: bad value for option "--limit-burst", or out of range (0-10000).');
        return Number(v);
      },
    },
  ],
  finalize(p) {
    if (p.limit?.inv) throw new OptionError('limit: option "--limit" cannot be inverted.');
    // A burst of 0 is taken as the default (nftables' limit has no empty bucket).
    return { rate: p.limit?.value ?? { count: 3, unit: 'hour' }, burst: p['limit-burst']?.value || 5 };
  },
  createState: (o) => new Bucket(period(o.rate), period(o.rate) * o.burst),
  match: (_pkt, _o, ctx, bucket) => bucket.take(ctx.now),
  explain: (_pkt, o) => `over the limit of ${formatRate(o.rate)} with a burst of ${o.burst}: the bucket is empty`,
  save: (o) => `--limit ${formatRate(o.rate)}${o.burst !== 5 ? ` --limit-burst ${o.burst}` : ''}`,
  list: (o) => `limit: avg ${formatRate(o.rate)} burst ${o.burst}`,
  // iptables-translate writes the default burst (5) too.
  xlate: (o) => ({ nft: `limit rate ${o.rate.count}/${o.rate.unit} burst ${o.burst} packets` }),
};
