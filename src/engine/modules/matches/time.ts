// -m time: time of day, weekdays, days of the month and a date range (libxt_time). Simulated against
// the scenario clock: packet time t (seconds) is TIME_EPOCH + t, in UTC (the kernel's default).
import type { MatchModule } from '../types';
import { OptionError } from '../types';

/// Monday 5 January 2026, 00:00:00 UTC: second 0 of every scenario.
export const TIME_EPOCH = Date.UTC(2026, 0, 5) / 1000;
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MAX_DATE = 0x7fffffff;

export interface TimeOptions {
  start: number;
  stop: number;
  weekdays: number[];
  monthdays: number[];
  dateStart: number;
  dateStop: number;
  kerneltz: boolean;
  contiguous: boolean;
}

function parseClock(v: string): number {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) throw new OptionError(`invalid time "${v}" specified, should be hh:mm[:ss] format`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
}

function parseDate(v: string): number {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2}))?)?)?)?)?$/.exec(v);
  if (!m) throw new OptionError(`Invalid date "${v}" specified. Should be YYYY[-MM[-DD[Thh[:mm[:ss]]]]]`);
  const [y, mo, d, h, mi, s] = [m[1], m[2] ?? '1', m[3] ?? '1', m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
}

const clock = (s: number) => [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
const date = (s: number) => new Date(s * 1000).toISOString().slice(0, 19);

export const time: MatchModule<TimeOptions> = {
  kind: 'match',
  name: 'time',
  help: 'Match by time of day, weekday, day of month or date range (UTC, on the scenario clock).',
  simulated: true,
  stateful: true,
  options: [
    { name: 'timestart', parse: ([v]) => parseClock(v), help: 'hh:mm[:ss] from which to match.' },
    { name: 'timestop', parse: ([v]) => parseClock(v), help: 'hh:mm[:ss] until which to match.' },
    { name: 'weekdays', invert: true, help: 'Mon,Tue,... or 1-7.', parse: ([v]) => v.split(',').map((d) => {
      const i = /^\d$/.test(d) ? Number(d) - 1 : DAYS.findIndex((x) => x.toLowerCase() === d.toLowerCase().slice(0, 3));
      if (i < 0 || i > 6) throw new OptionError(`No, the weekday "${d}" is not valid`);
      return i;
    }) },
    { name: 'monthdays', invert: true, help: 'Days of the month, 1-31, comma-separated.', parse: ([v]) => v.split(',').map((d) => {
      const n = Number(d);
      if (!/^\d+$/.test(d) || n < 1 || n > 31) throw new OptionError(`invalid monthday "${d}"`);
      return n;
    }) },
    { name: 'datestart', parse: ([v]) => parseDate(v), help: 'YYYY[-MM[-DD[Thh[:mm[:ss]]]]] from which to match.' },
    { name: 'datestop', parse: ([v]) => parseDate(v), help: 'YYYY[-MM[-DD[Thh[:mm[:ss]]]]] until which to match.' },
    { name: 'kerneltz', args: 0, help: "Use the kernel's time zone instead of UTC." },
    { name: 'utc', args: 0, help: 'Use UTC (the default).' },
    { name: 'localtz', args: 0, help: "The kernel's time zone (deprecated name of --kerneltz)." },
    { name: 'contiguous', args: 0, help: 'A timestop before timestart means the next day.' },
  ],
  finalize(p) {
    const inv = (k: string, all: number[]) => (p[k] ? (p[k]!.inv ? all.filter((x) => !p[k]!.value.includes(x)) : p[k]!.value) : all);
    return {
      start: p.timestart?.value ?? 0, stop: p.timestop?.value ?? 86399,
      weekdays: inv('weekdays', [0, 1, 2, 3, 4, 5, 6]), monthdays: inv('monthdays', Array.from({ length: 31 }, (_, i) => i + 1)),
      dateStart: p.datestart?.value ?? 0, dateStop: p.datestop?.value ?? MAX_DATE,
      kerneltz: !!(p.kerneltz || p.localtz), contiguous: !!p.contiguous,
    };
  },
  match(_pkt, o, ctx) {
    const t = TIME_EPOCH + ctx.now;
    if (t < o.dateStart || t > o.dateStop) return false;
    const d = new Date(t * 1000);
    const secs = t % 86400;
    const inDay = o.start <= o.stop ? secs >= o.start && secs <= o.stop : secs >= o.start || secs <= o.stop;
    return inDay && o.weekdays.includes((d.getUTCDay() + 6) % 7) && o.monthdays.includes(d.getUTCDate());
  },
  explain: (_pkt, o, ctx) => `${date(TIME_EPOCH + ctx.now)} UTC is outside ${clock(o.start)}-${clock(o.stop)} on ${o.weekdays.map((d) => DAYS[d]).join(',')}`,
  save(o) {
    const out: string[] = [];
    if (o.start !== 0 || o.stop !== 86399) out.push(`--timestart ${clock(o.start)} --timestop ${clock(o.stop)}`);
    if (o.monthdays.length !== 31) out.push(`--monthdays ${o.monthdays.join(',')}`);
    if (o.weekdays.length !== 7) out.push(`--weekdays ${o.weekdays.map((d) => DAYS[d]).join(',')}`);
    if (o.dateStart) out.push(`--datestart ${date(o.dateStart)}`);
    out.push(`--datestop ${date(o.dateStop)}`);
    if (o.kerneltz) out.push('--kerneltz');
    if (o.contiguous) out.push('--contiguous');
    return out.join(' ');
  },
  list(o) {
    const out = ['TIME'];
    if (o.start !== 0 || o.stop !== 86399) out.push(`from ${clock(o.start)} to ${clock(o.stop)}`);
    if (o.weekdays.length !== 7) out.push(`on ${o.weekdays.map((d) => DAYS[d]).join(',')}`);
    if (o.monthdays.length !== 31) out.push(`on ${o.monthdays.join(',')}`);
    if (o.dateStart) out.push(`starting from ${date(o.dateStart)}`);
    if (o.dateStop !== MAX_DATE) out.push(`until date ${date(o.dateStop)}`);
    out.push(o.kerneltz ? 'local' : 'UTC');
    return out.join(' ');
  },
  xlate(o, ctx) {
    const date = (s: number) => new Date(s * 1000).toISOString().replace('T', ' ').slice(0, 19);
    // Concatenated as iptables-translate does: without a date the text starts with a space, which shows
    // as a double space in its output.
    let nft = o.dateStart !== 0 || o.dateStop !== 0x7fffffff ? `meta time "${date(o.dateStart)}"-"${date(o.dateStop)}"` : '';
    if (o.start !== 0 || o.stop !== 86399) nft += ` meta hour "${clock(o.start)}"-"${clock(o.stop)}"`;
    // nft numbers days from Sunday (0); ours from Monday.
    if (o.weekdays.length !== 7) nft += ` meta day { ${o.weekdays.map((d) => (d + 1) % 7).join(', ')} }`;
    if (o.monthdays.length !== 31) return { untranslatable: 'nftables has no day-of-month match' };
    return { nft: ctx?.flavour === 'idiomatic' ? nft.trim() : nft };
  },
};
