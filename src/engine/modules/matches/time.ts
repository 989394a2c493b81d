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

/// hh:mm[:ss]; iptables quotes the text from the part that is out of range.
function parseClock(v: string): number {
  const bad = (t: string) => new OptionError(`invalid time "${t}" specified, should be hh:mm[:ss] format and within the boundaries`);
  const m = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/.exec(v);
  if (!m || Number(m[1]) > 23) throw bad(v);
  if (Number(m[2]) > 59) throw bad(v.slice(v.indexOf(':') + 1));
  if (Number(m[3] ?? 0) > 59) throw bad(v.slice(v.lastIndexOf(':') + 1));
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
}

/// Mon..Sun (the first three letters decide, case counts), or 1-7 from Monday; a larger number is ignored.
function parseWeekdays(v: string): number[] {
  const out = new Set<number>();
  for (const d of v.split(',')) {
    if (/^\d+$/.test(d)) {
      if (Number(d) === 0) throw new OptionError('No, the week does NOT begin with Sunday.');
      if (Number(d) <= 7) out.add(Number(d) - 1);
      continue;
    }
    const i = DAYS.indexOf(d.slice(0, 3));
    if (i < 0) throw new OptionError(`${d.slice(0, 3)} is not a valid day specifier`);
    out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/// 1-31; 0 is taken and selects no day.
function parseMonthdays(v: string): number[] {
  const out = new Set<number>();
  for (const d of v.split(',')) {
    const n = Number(d);
    if (!/^\d+$/.test(d) || n > 31) throw new OptionError(`${d} is not a valid day for --monthdays`);
    if (n > 0) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

const ordinal = (n: number) => `${n}${n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th'}`;

function parseDate(v: string): number {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2}))?)?)?)?)?$/.exec(v);
  const bad = () => new OptionError(`Invalid date "${v}" specified. Should be YYYY[-MM[-DD[Thh[:mm[:ss]]]]]`);
  if (!m) throw bad();
  const [y, mo, d, h, mi, s] = [m[1], m[2] ?? '1', m[3] ?? '1', m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) throw bad();
  // As mktime does, a day past the month's end runs into the next month (2026-02-30 is 2026-03-02).
  const t = Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
  if (t < 0 || t > MAX_DATE) throw bad();
  return t;
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
    { name: 'weekdays', invert: true, help: 'Mon,Tue,... or 1-7.', parse: ([v]) => parseWeekdays(v) },
    { name: 'monthdays', invert: true, help: 'Days of the month, 1-31, comma-separated.', parse: ([v]) => parseMonthdays(v) },
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
    const secs = t % 86400;
    const inDay = o.start <= o.stop ? secs >= o.start && secs <= o.stop : secs >= o.start || secs <= o.stop;
    // With --contiguous, the morning part of a period that crosses midnight belongs to the day it began.
    const d = new Date((o.contiguous && o.start > o.stop && secs < o.start ? t - 86400 : t) * 1000);
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
    if (o.monthdays.length !== 31) out.push(`on ${o.monthdays.map(ordinal).join(',')}`);
    if (o.dateStart) out.push(`starting from ${date(o.dateStart).replace('T', ' ')}`);
    if (o.dateStop !== MAX_DATE) out.push(`until date ${date(o.dateStop).replace('T', ' ')}`);
    if (!o.kerneltz) out.push('UTC');
    if (o.contiguous) out.push('contiguous');
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
