// -m statistic: every n-th packet, or a random share of them (xt_statistic). The random mode draws from
// the scenario's reproducible generator (or its recorded randomDraws).
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { not, parseUint } from '../values';

export interface StatisticOptions {
  mode: 'random' | 'nth';
  probability: number;
  every: number;
  packet: number;
  inv: boolean;
}

export const statistic: MatchModule<StatisticOptions, { count: number }> = {
  kind: 'match',
  name: 'statistic',
  help: 'Match every n-th packet (--mode nth) or a random share of packets (--mode random).',
  simulated: true,
  stateful: true,
  options: [
    { name: 'mode', values: ['random', 'nth'], help: 'random or nth.', parse: ([v]) => {
      if (v !== 'random' && v !== 'nth') throw new OptionError(`Bad mode "${v}"`);
      return v;
    } },
    { name: 'probability', invert: true, help: 'Share of packets matched, 0.0 to 1.0 (random mode).', parse: ([v]) => {
      const n = Number(v);
      if (!/^\d*\.?\d+$/.test(v) || n < 0 || n > 1) throw new OptionError(`probability \`${v}' is not between 0 and 1`);
      return n;
    } },
    { name: 'every', invert: true, parse: ([v]) => parseUint(v, 0xffffffff, 'every'), help: 'Match one packet in this many (nth mode).' },
    { name: 'packet', parse: ([v]) => parseUint(v, 0xffffffff, 'packet'), help: 'Which one of the n, counting from 0 (default 0).' },
  ],
  finalize(p) {
    const mode = p.mode?.value;
    if (!mode) throw new OptionError('statistic: option "--mode" must be specified');
    if (mode === 'random' && !p.probability) throw new OptionError('statistic: --mode random needs --probability');
    if (mode === 'nth' && !p.every) throw new OptionError('statistic: --mode nth needs --every');
    const packet = p.packet?.value ?? 0;
    if (mode === 'nth' && packet > p.every!.value - 1) throw new OptionError('statistic: --packet must be below --every');
    // The kernel keeps the probability as a fraction of 2^31.
    const scaled = Math.round((p.probability?.value ?? 0) * 0x80000000) / 0x80000000;
    return { mode, probability: scaled, every: p.every?.value ?? 0, packet, inv: (p.probability ?? p.every)!.inv };
  },
  createState: () => ({ count: 0 }),
  match(_pkt, o, ctx, st) {
    if (o.mode === 'random') return (ctx.random() < o.probability) !== o.inv;
    // The counter runs 0 .. every-1, one step per packet; the packet that finds it at --packet matches.
    const hit = st.count === o.packet;
    st.count = st.count === o.every - 1 ? 0 : st.count + 1;
    return hit !== o.inv;
  },
  explain: (_pkt, o) => (o.mode === 'random' ? `not drawn (probability ${o.probability})` : `not the packet ${o.packet} of every ${o.every}`),
  save: (o) => (o.mode === 'random'
    ? `--mode random ${not(o.inv)}--probability ${o.probability.toFixed(11)}`
    : `--mode nth ${not(o.inv)}--every ${o.every} --packet ${o.packet}`),
  list: (o) => (o.mode === 'random'
    ? `statistic mode random ${o.inv ? '! ' : ''}probability ${o.probability.toFixed(11)}`
    : `statistic mode nth ${o.inv ? '! ' : ''}every ${o.every} packet ${o.packet}`),
  xlate: (o) => (o.mode === 'random'
    ? { untranslatable: 'random sampling needs numgen in nftables (translated by the migration preview)' }
    : { nft: `numgen inc mod ${o.every} ${o.inv ? '!= ' : ''}${o.packet}` }),
};
