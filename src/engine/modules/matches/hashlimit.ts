// -m hashlimit: limit's token bucket, one per key (source address, destination port ...), in a table
// shared by name (xt_hashlimit, revision 3). An idle bucket is forgotten after --hashlimit-htable-expire.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import type { Packet } from '../../model/packet';
import { formatIPv4, prefixToMask } from '../../model/addr';
import { Bucket, formatRate, normalizeRate, parseRateText, period, type Rate } from './limit';

const MODES = ['srcip', 'srcport', 'dstip', 'dstport'] as const;
type Mode = (typeof MODES)[number];

/// Rates are kept in millionths of a second between packets (XT_HASHLIMIT_SCALE_v2).
const SCALE = 1000000;
const UNIT_SECS: Record<Rate['unit'], number> = { second: 1, minute: 60, hour: 3600, day: 86400 };

/// A byte rate as written (`512kb/s`): kept as text, limited in bytes per second.
interface ByteRate {
  text: string;
  bytesPerSec: number;
  /// Seconds in the rate's unit (the default expiry is one unit).
  secs: number;
}

export interface HashlimitOptions {
  /// Packets: the rate as iptables prints it; bytes: the text.
  rate: Rate | ByteRate;
  /// The count given, which --hashlimit-rate-match keeps instead of an interval.
  count: number;
  above: boolean;
  /// Packets, or bytes in byte mode (null: the default, not printed).
  burst: number | string | null;
  mode: Mode[];
  name: string;
  srcmask: number;
  dstmask: number;
  size: number;
  max: number;
  gcinterval: number;
  /// Milliseconds; by default the rate's unit (a rate per minute forgets keys after 60 s).
  expire: number;
  rateMatch: boolean;
  interval: number;
}

const isBytes = (r: Rate | ByteRate): r is ByteRate => 'text' in r;

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

function parseBytes(text: string): { n: number; text: string } | null {
  const m = /^(\d+)(b|kb|mb)$/i.exec(text);
  return m ? { n: Number(m[1]) * BYTE_UNITS[m[2].toLowerCase()], text } : null;
}

function parseHashRate(name: string) {
  return ([v]: string[]) => {
    const bad = `hashlimit: Bad value for "--${name}" option: "${v}"`;
    const b = /^(\d+(?:b|kb|mb))\/(.+)$/i.exec(v);
    if (b) {
      const bytes = parseBytes(b[1])!;
      const unit = Object.entries(UNIT_SECS).find(([u]) => u.startsWith(b[2].toLowerCase()));
      if (!unit) throw new OptionError(bad);
      return { bytes: { text: v, bytesPerSec: bytes.n / unit[1], secs: unit[1] } as ByteRate };
    }
    const r = parseRateText(v, bad);
    if (r.count / r.secs > SCALE) throw new OptionError(`Rate too fast "${v}"`);
    return { count: r.count, secs: r.secs, unit: r.unit };
  };
}

type ParsedRate = { bytes: ByteRate } | { count: number; secs: number; unit: Rate['unit'] };

const uint = (name: string, max = 0xffffffff, min = 0) => ([v]: string[]) => {
  if (!/^\d+$/.test(v) || Number(v) > max || Number(v) < min) throw new OptionError(`hashlimit: bad value for option "--${name}", or out of range (${min}-${max}).`);
  return Number(v);
};

function keyOf(pkt: Packet, o: HashlimitOptions): string {
  const parts: number[] = [];
  if (o.mode.includes('srcip')) parts.push((pkt.src & prefixToMask(o.srcmask)) >>> 0);
  if (o.mode.includes('dstip')) parts.push((pkt.dst & prefixToMask(o.dstmask)) >>> 0);
  if (o.mode.includes('srcport')) parts.push(pkt.sport);
  if (o.mode.includes('dstport')) parts.push(pkt.dport);
  return parts.join('|');
}

function describeKey(pkt: Packet, o: HashlimitOptions): string {
  const out: string[] = [];
  if (o.mode.includes('srcip')) out.push(`source ${formatIPv4((pkt.src & prefixToMask(o.srcmask)) >>> 0)}${o.srcmask !== 32 ? `/${o.srcmask}` : ''}`);
  if (o.mode.includes('dstip')) out.push(`destination ${formatIPv4((pkt.dst & prefixToMask(o.dstmask)) >>> 0)}${o.dstmask !== 32 ? `/${o.dstmask}` : ''}`);
  if (o.mode.includes('srcport')) out.push(`source port ${pkt.sport}`);
  if (o.mode.includes('dstport')) out.push(`destination port ${pkt.dport}`);
  return out.length ? out.join(', ') : 'the rule (no --hashlimit-mode: one bucket)';
}

/// The rate as one of the two listings prints it, and the expire time that goes without saying for it.
function shown(o: HashlimitOptions, forList: boolean): { text: string; defaultExpire: number } {
  if (isBytes(o.rate)) return { text: o.rate.text, defaultExpire: o.rate.secs * 1000 };
  if (o.rateMatch) {
    // iptables-save prints the count per second; iptables -L the count per interval.
    const r = forList ? normalizeRate(o.count, o.interval, SCALE).rate : { count: o.count, unit: 'second' as const };
    return { text: formatRate(r), defaultExpire: UNIT_SECS[r.unit] * 1000 };
  }
  return { text: formatRate(o.rate), defaultExpire: UNIT_SECS[o.rate.unit] * 1000 };
}

interface Entry {
  bucket: Bucket;
  last: number;
  /// --hashlimit-rate-match: packets seen in the current interval.
  windowStart: number;
  seen: number;
}

export const hashlimit: MatchModule<HashlimitOptions> = {
  kind: 'match',
  name: 'hashlimit',
  help: 'A rate limit per source, destination or port: one token bucket for each key --hashlimit-mode names.',
  simulated: true,
  stateful: true,
  options: [
    { name: 'hashlimit-upto', aliases: ['hashlimit'], invert: true, parse: parseHashRate('hashlimit-upto'), help: 'Match while the key is within this rate (N/sec, N/min ..., or bytes: 512kb/s).' },
    { name: 'hashlimit-above', invert: true, parse: parseHashRate('hashlimit-above'), help: 'Match once the key exceeds this rate.' },
    {
      name: 'hashlimit-burst', help: 'Packets allowed at once (default 5), or bytes in byte mode (1mb).',
      parse: ([v]) => {
        const b = parseBytes(v);
        if (b) return b.text;
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1000000) throw new OptionError('bad value for option "--hashlimit-burst", or out of range (1-1000000).');
        return Number(v);
      },
    },
    {
      name: 'hashlimit-mode', values: MODES, help: 'Key: srcip, srcport, dstip, dstport (comma-separated); none: one bucket.',
      parse: ([v]) => (v === '' ? [] : v.split(',').map((m) => {
        if (!(MODES as readonly string[]).includes(m)) throw new OptionError(`hashlimit: Bad value for "--hashlimit-mode" option: "${v}"`);
        return m as Mode;
      })),
    },
    { name: 'hashlimit-name', parse: ([v]) => v, help: 'Name of the table (rules with the same name share buckets).' },
    { name: 'hashlimit-srcmask', parse: uint('hashlimit-srcmask', 128), help: 'Prefix length applied to source addresses (default 32).' },
    { name: 'hashlimit-dstmask', parse: uint('hashlimit-dstmask', 128), help: 'Prefix length applied to destination addresses (default 32).' },
    { name: 'hashlimit-htable-size', parse: uint('hashlimit-htable-size'), help: 'Number of hash buckets (no effect here).' },
    { name: 'hashlimit-htable-max', parse: uint('hashlimit-htable-max'), help: 'Most entries the table holds (no effect here).' },
    { name: 'hashlimit-htable-gcinterval', parse: uint('hashlimit-htable-gcinterval'), help: 'Milliseconds between garbage collections (default 1000).' },
    { name: 'hashlimit-htable-expire', parse: uint('hashlimit-htable-expire'), help: 'Milliseconds after which an idle key is forgotten (default: the rate\'s unit).' },
    { name: 'hashlimit-rate-match', args: 0, help: 'Classify by the measured rate instead of limiting (no token is taken).' },
    { name: 'hashlimit-rate-interval', parse: uint('hashlimit-rate-interval', 0xffffffff, 1), help: 'Seconds over which --hashlimit-rate-match measures (default 1).' },
  ],
  finalize(p) {
    const up = p['hashlimit-upto'], ab = p['hashlimit-above'];
    if (up && ab) throw new OptionError('hashlimit: option "--hashlimit-upto" cannot be used together with "--hashlimit-above".');
    const given = up ?? ab;
    if (!given) throw new OptionError('You have to specify --hashlimit');
    if (!p['hashlimit-name']) throw new OptionError('hashlimit: option "--hashlimit-name" must be specified');
    // `! --hashlimit-upto` is --hashlimit-above, and the other way round.
    const above = !!ab !== given.inv;
    const pr = given.value as ParsedRate;
    const rateMatch = !!p['hashlimit-rate-match'];
    const srcmask = p['hashlimit-srcmask']?.value ?? 32, dstmask = p['hashlimit-dstmask']?.value ?? 32;
    // iptables passes these on; the kernel refuses them when it loads the rule.
    for (const [n, m] of [['srcmask', srcmask], ['dstmask', dstmask]] as const)
      if (m > 32) throw new OptionError(`hashlimit: the kernel refuses --hashlimit-${n} ${m} for IPv4 (RULE_APPEND failed (Invalid argument))`);
    if (p['hashlimit-htable-expire']?.value === 0) throw new OptionError('hashlimit: the kernel refuses --hashlimit-htable-expire 0 (RULE_APPEND failed (Invalid argument))');
    const bytes = 'bytes' in pr;
    const burst = p['hashlimit-burst']?.value ?? null;
    if (!bytes && typeof burst === 'string') throw new OptionError('bad value for option "--hashlimit-burst", or out of range (1-1000000).');
    const unitSecs = bytes ? pr.bytes.secs : pr.secs;
    return {
      rate: bytes ? pr.bytes : rateMatch ? { count: pr.count, unit: 'second' } : normalizeRate(pr.count, pr.secs, SCALE).rate,
      count: bytes ? 0 : pr.count,
      above, burst: bytes ? burst : (burst ?? 5),
      mode: p['hashlimit-mode']?.value ?? [], name: p['hashlimit-name'].value, srcmask, dstmask,
      size: p['hashlimit-htable-size']?.value ?? 0, max: p['hashlimit-htable-max']?.value ?? 0,
      gcinterval: p['hashlimit-htable-gcinterval']?.value ?? 1000,
      expire: p['hashlimit-htable-expire']?.value ?? unitSecs * 1000,
      rateMatch, interval: p['hashlimit-rate-interval']?.value ?? (rateMatch ? unitSecs : 1),
    };
  },
  match(pkt, o, ctx) {
    const table = ctx.shared(`hashlimit:${o.name}`, () => new Map<string, Entry>());
    const key = keyOf(pkt, o);
    let e = table.get(key);
    // The kernel's garbage collector drops idle entries (every --hashlimit-htable-gcinterval): a key
    // idle longer than the expire time starts again with a full bucket.
    if (!e || ctx.now - e.last > o.expire / 1000) {
      const bucket = isBytes(o.rate)
        ? new Bucket(1, Math.max(typeof o.burst === 'string' ? parseBytes(o.burst)!.n : o.rate.bytesPerSec, o.rate.bytesPerSec) / o.rate.bytesPerSec)
        : new Bucket(period(o.rate), period(o.rate) * (o.burst as number));
      e = { bucket, last: ctx.now, windowStart: ctx.now, seen: 0 };
      table.set(key, e);
    }
    e.last = ctx.now;
    if (o.rateMatch) {
      // Approximation of the rate measurement: packets counted per interval of the key.
      if (ctx.now - e.windowStart >= o.interval) {
        e.windowStart = ctx.now;
        e.seen = 0;
      }
      e.seen++;
      return (e.seen <= o.count) !== o.above;
    }
    if (isBytes(o.rate)) {
      // One "token" is one second of the byte rate; a packet costs its share.
      return e.bucket.take(ctx.now, pkt.length / o.rate.bytesPerSec) !== o.above;
    }
    return e.bucket.take(ctx.now) !== o.above;
  },
  explain: (pkt, o) => (o.above
    ? `${describeKey(pkt, o)} is within ${isBytes(o.rate) ? o.rate.text : formatRate(o.rate)}`
    : `${describeKey(pkt, o)} is over ${isBytes(o.rate) ? o.rate.text : formatRate(o.rate)} (burst ${o.burst ?? 'default'})`),
  save(o) {
    const s = shown(o, false);
    const out = [`--hashlimit-${o.above ? 'above' : 'upto'} ${s.text}`];
    if (o.burst !== null) out.push(`--hashlimit-burst ${o.burst}`);
    if (o.mode.length) out.push(`--hashlimit-mode ${MODES.filter((m) => o.mode.includes(m)).join(',')}`);
    out.push(`--hashlimit-name ${o.name}`);
    if (o.srcmask !== 32) out.push(`--hashlimit-srcmask ${o.srcmask}`);
    if (o.dstmask !== 32) out.push(`--hashlimit-dstmask ${o.dstmask}`);
    out.push(...tuning(o, s.defaultExpire).map((x) => `--hashlimit-${x}`));
    return out.join(' ');
  },
  list(o) {
    const s = shown(o, true);
    const out = [`limit: ${o.above ? 'above' : 'up to'} ${s.text}`];
    if (o.burst !== null) out.push(`burst ${o.burst}`);
    if (o.mode.length) out.push(`mode ${MODES.filter((m) => o.mode.includes(m)).join('-')}`);
    if (o.srcmask !== 32) out.push(`srcmask ${o.srcmask}`);
    if (o.dstmask !== 32) out.push(`dstmask ${o.dstmask}`);
    out.push(...tuning(o, s.defaultExpire));
    return out.join(' ');
  },
  xlate(o, ctx) {
    if (o.rateMatch) return { untranslatable: '--hashlimit-rate-match has no nftables equivalent' };
    const mask = (bits: number) => (bits !== 32 ? ` and ${formatIPv4(prefixToMask(bits))}` : '');
    // iptables-translate's key order: destination before source.
    const l4 = ({ 6: 'tcp', 17: 'udp', 33: 'dccp', 132: 'sctp', 136: 'udplite' } as Record<number, string>)[ctx?.proto ?? 0] ?? 'th';
    const key = [o.mode.includes('dstip') ? `ip daddr${mask(o.dstmask)}` : '', o.mode.includes('dstport') ? `${l4} dport` : '',
      o.mode.includes('srcip') ? `ip saddr${mask(o.srcmask)}` : '', o.mode.includes('srcport') ? `${l4} sport` : ''].filter(Boolean).join(' . ');
    const bytes = (t: string) => t.replace(/^(\d+)(b|kb|mb)$/i, (_, n, u: string) => `${n} ${u.toLowerCase() === 'b' ? 'bytes' : u.toLowerCase() === 'kb' ? 'kbytes' : 'mbytes'}`);
    const rate = isBytes(o.rate) ? `${bytes(o.rate.text.replace(/\/.*$/, ''))}/second` : `${o.rate.count}/${o.rate.unit}`;
    // The default burst (5) goes unsaid.
    const burst = o.burst === null || o.burst === 5 ? '' : typeof o.burst === 'string' ? ` burst ${bytes(o.burst)}` : ` burst ${o.burst} packets`;
    const lim = `limit rate ${o.above ? 'over ' : ''}${rate}${burst}`;
    // Without --hashlimit-mode every packet shares one bucket: a plain limit (1.8.9 leaves it untranslated).
    if (!key) return { nft: lim, note: 'iptables-translate 1.8.9 leaves a hashlimit without --hashlimit-mode untranslated; with one bucket for all it is a plain limit' };
    const timeout = Math.max(1, Math.round(o.expire / 1000));
    // iptables-translate leaves out the timeout when it is 1 s, and takes a port for a TCP port.
    if (ctx?.flavour !== 'idiomatic') {
      const nft = `meter ${o.name} { ${key}${o.expire !== 1000 ? ` timeout ${timeout}s` : ''} ${lim} }`;
      return l4 === 'th' && /port/.test(o.mode.join()) ? { nft, note: 'iptables-translate 1.8.9 keys the ports as tcp dport/sport even without -p tcp (other protocols would not match)' } : { nft };
    }
    // A dynamic set updated per packet is what `meter` stood for (nft 1.0 lists meters this way).
    const type = key.split(' . ').map((k) => (k.startsWith('ip ') ? 'ipv4_addr' : 'inet_service')).join(' . ');
    const name = ctx.declare('set', o.name, `type ${type}; size ${o.size || 65535}; flags dynamic,timeout; timeout ${timeout}s;`);
    return { nft: `update @${name} { ${key} ${lim} }` };
  },
};

function keyType(o: HashlimitOptions): string {
  const t: string[] = [];
  if (o.mode.includes('srcip')) t.push('ipv4_addr');
  if (o.mode.includes('dstip')) t.push('ipv4_addr');
  if (o.mode.includes('srcport')) t.push('inet_service');
  if (o.mode.includes('dstport')) t.push('inet_service');
  return t.join(' . ');
}

/// Table tuning as iptables prints it, each only when it differs from its default.
function tuning(o: HashlimitOptions, defaultExpire: number): string[] {
  const out: string[] = [];
  if (o.size) out.push(`htable-size ${o.size}`);
  if (o.max) out.push(`htable-max ${o.max}`);
  if (o.gcinterval !== 1000) out.push(`htable-gcinterval ${o.gcinterval}`);
  if (o.expire !== defaultExpire) out.push(`htable-expire ${o.expire}`);
  if (o.rateMatch) out.push('rate-match', `rate-interval ${o.interval}`);
  return out;
}

