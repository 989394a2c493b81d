// -m statistic: every n-th packet, or a random share of them (xt_statistic). The random mode draws from
// the scenario's reproducible generator (or its recorded randomDraws).
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { isDigits, not } from '../values';

export interface StatisticOptions {
  mode: 'random' | 'nth';
  /// As the kernel keeps it: a fraction of 2^31, so 0.1 is 0.10000000009.
  probability: number;
  every: number;
  packet: number;
  inv: boolean;
}

const uint = (name: string, min: number) => ([v]: string[]) => {
  if (!isDigits(v) || Number(v) < min || Number(v) > 0xffffffff) throw new OptionError(`statistic: bad value for option "--${name}", or out of range (${min}-4294967295).`);
  return Number(v);
};

export const statistic: MatchModule<StatisticOptions, { count: number }> = {
  kind: 'match',
  name: 'statistic',
  help: 'Match every n-th packet (--mode nth) or a random share of packets (--mode random).',
  simulated: true,
  stateful: true,
  options: [
    {
      name: 'mode', values: ['random', 'nth'], help: 'random (default) or nth.',
      parse: ([v]) => {
        if (v !== 'random' && v !== 'nth') throw new OptionError(`Bad mode "${v}"`);
        return v;
      },
    },
    {
      name: 'probability', invert: true, help: 'Share of packets matched, 0.0 to 1.0 (random mode).',
      parse: ([v]) => {
        const n = Number(v);
        if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new OptionError('statistic: bad value for option "--probability", or out of range (0-1).');
        return n;
      },
    },
    { name: 'every', invert: true, parse: uint('every', 1), help: 'Match one packet in this many (nth mode).' },
    { name: 'packet', parse: uint('packet', 0), help: 'Which one of the n, counting from 0 (nth mode).' },
  ],
  finalize(p) {
    if (p.every && !p.packet) throw new OptionError('statistic: option "--every" also requires "--packet".');
    if (p.packet && !p.every) throw new OptionError('statistic: option "--packet" also requires "--every".');
    const mode = p.mode?.value ?? 'random';
    if (mode === 'random' && !p.probability) throw new OptionError('--probability must be specified when using random mode');
    if (mode === 'nth' && !p.every) throw new OptionError('--every and --packet must be specified when using nth mode');
    const packet = p.packet?.value ?? 0;
    if (mode === 'nth' && packet > p.every!.value - 1) throw new OptionError('the --packet p must be 0 <= p <= n-1');
    const scaled = Math.round((p.probability?.value ?? 0) * 0x80000000) / 0x80000000;
    const inv = (mode === 'random' ? p.probability : p.every)!.inv;
    return { mode, probability: scaled, every: p.every?.value ?? 0, packet, inv };
  },
  createState: () => ({ count: 0 }),
  match(_pkt, o, ctx, st) {
    if (o.mode === 'random') return (ctx.random() < o.probability) !== o.inv;
    // One counter per rule, running 0 .. every-1, one step per packet the rule sees: the packet that
    // finds it at --packet matches (the first packet matches --packet 0).
    const hit = st.count === o.packet;
    st.count = st.count === o.every - 1 ? 0 : st.count + 1;
    return hit !== o.inv;
  },
  explain: (_pkt, o) => (o.mode === 'random'
    ? `the random draw ${o.inv ? 'fell within' : 'did not fall within'} probability ${o.probability.toFixed(11)}`
    : `this is not packet ${o.packet} of every ${o.every}${o.inv ? ' (negated: it is)' : ''}`),
  save: (o) => (o.mode === 'random'
    ? `--mode random ${not(o.inv)}--probability ${o.probability.toFixed(11)}`
    : `--mode nth ${not(o.inv)}--every ${o.every} --packet ${o.packet}`),
  list: (o) => (o.mode === 'random'
    ? `statistic mode random ${not(o.inv)}probability ${o.probability.toFixed(11)}`
    : `statistic mode nth ${not(o.inv)}every ${o.every}${o.packet ? ` packet ${o.packet}` : ''}`),
  // The kernel compares 31 random bits with probability x 2^31: meta random masked the same way is exact.
  // numgen inc counts per rule from 0, as the nth counter does.
  xlate: (o) => (o.mode === 'random'
    ? { nft: `meta random & 2147483647 ${o.inv ? '>=' : '<'} ${Math.round(o.probability * 0x80000000)}` }
    : { nft: `numgen inc mod ${o.every} ${o.inv ? '!= ' : ''}${o.packet}` }),
};
