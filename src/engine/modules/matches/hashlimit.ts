// -m hashlimit: limit's token bucket, one per key (source address, destination port ...), in a table
// shared by name (xt_hashlimit). A bucket idle for --hashlimit-htable-expire (10 s) is forgotten.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import type { Packet } from '../../model/packet';
import { prefixToMask } from '../../model/addr';
import { parseRate, parseUint } from '../values';
import { Bucket, formatRate, period, type Rate } from './limit';

const MODES = ['srcip', 'srcport', 'dstip', 'dstport'] as const;
type Mode = (typeof MODES)[number];

export interface HashlimitOptions {
  rate: Rate;
  above: boolean;
  burst: number;
  mode: Mode[];
  name: string;
  srcmask: number;
  dstmask: number;
  expire: number;
  extra: string[];
}

interface Entry {
  bucket: Bucket;
  last: number;
}

function keyOf(pkt: Packet, o: HashlimitOptions): string {
  const parts: number[] = [];
  if (o.mode.includes('srcip')) parts.push((pkt.src & prefixToMask(o.srcmask)) >>> 0);
  if (o.mode.includes('dstip')) parts.push((pkt.dst & prefixToMask(o.dstmask)) >>> 0);
  if (o.mode.includes('srcport')) parts.push(pkt.sport);
  if (o.mode.includes('dstport')) parts.push(pkt.dport);
  return parts.join('|');
}

/// Options kept as given and saved back, with no effect here (table sizes, garbage collection).
const PASSTHROUGH = ['hashlimit-htable-size', 'hashlimit-htable-max', 'hashlimit-htable-gcinterval', 'hashlimit-rate-match', 'hashlimit-rate-interval'];

export const hashlimit: MatchModule<HashlimitOptions> = {
  kind: 'match',
  name: 'hashlimit',
  help: 'A rate limit per source, destination or port: one token bucket for each key --hashlimit-mode names.',
  simulated: true,
  stateful: true,
  options: [
    { name: 'hashlimit-upto', aliases: ['hashlimit'], parse: ([v]) => parseRate(v), help: 'Match while the key is within this rate.' },
    { name: 'hashlimit-above', parse: ([v]) => parseRate(v), help: 'Match once the key exceeds this rate.' },
    { name: 'hashlimit-burst', parse: ([v]) => parseUint(v, 10000, 'burst'), help: 'Packets allowed at once (default 5).' },
    { name: 'hashlimit-mode', values: MODES, help: 'Key: srcip, srcport, dstip, dstport (comma-separated); none: one bucket.', parse: ([v]) => v.split(',').map((m) => {
      if (!(MODES as readonly string[]).includes(m)) throw new OptionError(`hashlimit: invalid mode "${m}"`);
      return m as Mode;
    }) },
    { name: 'hashlimit-name', help: 'Name of the table (shared by rules with the same name).' },
    { name: 'hashlimit-srcmask', parse: ([v]) => parseUint(v, 32, 'mask'), help: 'Prefix length applied to source addresses.' },
    { name: 'hashlimit-dstmask', parse: ([v]) => parseUint(v, 32, 'mask'), help: 'Prefix length applied to destination addresses.' },
    { name: 'hashlimit-htable-expire', parse: ([v]) => parseUint(v), help: 'Milliseconds after which an idle key is forgotten (default 10000).' },
    ...PASSTHROUGH.map((name) => ({ name, help: 'Table tuning, kept as given.' })),
  ],
  finalize(p) {
    const rate = p['hashlimit-upto'] ?? p['hashlimit-above'];
    if (!rate) throw new OptionError('hashlimit: option "--hashlimit-upto" or "--hashlimit-above" must be specified');
    if (!p['hashlimit-name']) throw new OptionError('hashlimit: option "--hashlimit-name" must be specified');
    return {
      rate: rate.value, above: !!p['hashlimit-above'], burst: p['hashlimit-burst']?.value ?? 5,
      mode: p['hashlimit-mode']?.value ?? [], name: p['hashlimit-name'].value,
      srcmask: p['hashlimit-srcmask']?.value ?? 32, dstmask: p['hashlimit-dstmask']?.value ?? 32,
      expire: p['hashlimit-htable-expire']?.value ?? 10000,
      extra: PASSTHROUGH.filter((k) => p[k]).map((k) => `--${k} ${p[k]!.value}`),
    };
  },
  match(pkt, o, ctx) {
    const table = ctx.shared(`hashlimit:${o.name}`, () => new Map<string, Entry>());
    const key = keyOf(pkt, o);
    let e = table.get(key);
    if (!e || ctx.now - e.last > o.expire / 1000) {
      e = { bucket: new Bucket(period(o.rate), period(o.rate) * o.burst), last: ctx.now };
      table.set(key, e);
    }
    e.last = ctx.now;
    return e.bucket.take(ctx.now) !== o.above;
  },
  explain: (_pkt, o) => (o.above ? `within ${formatRate(o.rate)} for its key` : `over ${formatRate(o.rate)} for its key (burst ${o.burst})`),
  save(o) {
    const out = [`--hashlimit-${o.above ? 'above' : 'upto'} ${formatRate(o.rate)}`, `--hashlimit-burst ${o.burst}`];
    if (o.mode.length) out.push(`--hashlimit-mode ${MODES.filter((m) => o.mode.includes(m)).join(',')}`);
    out.push(`--hashlimit-name ${o.name}`);
    if (o.expire !== 10000) out.push(`--hashlimit-htable-expire ${o.expire}`);
    if (o.srcmask !== 32) out.push(`--hashlimit-srcmask ${o.srcmask}`);
    if (o.dstmask !== 32) out.push(`--hashlimit-dstmask ${o.dstmask}`);
    return [...out, ...o.extra].join(' ');
  },
  list(o) {
    const out = [`limit: ${o.above ? 'above' : 'up to'} ${formatRate(o.rate)} burst ${o.burst}`];
    if (o.mode.length) out.push(`mode ${MODES.filter((m) => o.mode.includes(m)).join('-')}`);
    if (o.srcmask !== 32) out.push(`srcmask ${o.srcmask}`);
    if (o.dstmask !== 32) out.push(`dstmask ${o.dstmask}`);
    return out.join(' ');
  },
  xlate(o) {
    const key = [o.mode.includes('srcip') ? 'ip saddr' : '', o.mode.includes('dstip') ? 'ip daddr' : '', o.mode.includes('srcport') ? 'th sport' : '', o.mode.includes('dstport') ? 'th dport' : ''].filter(Boolean).join(' . ');
    const lim = `limit rate ${o.above ? 'over ' : ''}${o.rate.count}/${o.rate.unit} burst ${o.burst} packets`;
    return { nft: key ? `update @${o.name} { ${key} ${lim} }` : lim };
  },
};
