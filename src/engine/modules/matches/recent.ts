// -m recent: remember addresses in named lists and test them later (xt_recent): port knocking,
// brute-force throttling. Lists are shared by name across rules; each address keeps its latest timestamps.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { formatIPv4, parseIPv4 } from '../../model/addr';

type Command = 'set' | 'rcheck' | 'update' | 'remove';

export interface RecentOptions {
  command: Command;
  inv: boolean;
  seconds: number;
  reap: boolean;
  hitcount: number;
  rttl: boolean;
  name: string;
  mask: number;
  side: 'rsource' | 'rdest';
}

/// Module parameters of the kernel this was checked on (6.x): ip_list_tot addresses per list, and
/// ip_pkt_list_tot = 0, so an address keeps 32 timestamps, or the next power of two above the largest
/// --hitcount of the rules sharing the list. The kernel refuses --hitcount of 65536 and more.
export const IP_LIST_TOT = 100;
export const MAX_NSTAMPS = 65536;

export function stampsKept(hitcount: number): number {
  if (!hitcount) return 32;
  let n = 1;
  while (n < hitcount) n *= 2;
  return n;
}

interface Entry {
  /// Oldest first; at most `table.kept`.
  stamps: number[];
  ttl: number;
}

/// A list: entries in least-recently-updated order (Map insertion order), as the kernel's LRU list.
interface Table {
  entries: Map<number, Entry>;
  kept: number;
}

function touch(t: Table, addr: number, e: Entry, now: number, ttl: number) {
  e.stamps.push(now);
  if (e.stamps.length > t.kept) e.stamps.splice(0, e.stamps.length - t.kept);
  e.ttl = ttl;
  t.entries.delete(addr);
  t.entries.set(addr, e);
}

/// The evaluation, shared by match and explain: `why` is the reason it did not match.
function evaluate(pkt: { src: number; dst: number; ttl: number; iif: string | null; oif: string | null }, o: RecentOptions, t: Table, now: number, dryRun: boolean): { hit: boolean; why: string } {
  const addr = ((o.side === 'rsource' ? pkt.src : pkt.dst) & o.mask) >>> 0;
  const who = formatIPv4(addr);
  // The TTL as seen before forwarding: a forwarded packet (it has an output device and no local socket)
  // has already lost one.
  const ttl = (pkt.iif !== null && pkt.oif !== null ? pkt.ttl + 1 : pkt.ttl) & 255;
  let e = t.entries.get(addr);
  // With --rttl the entry must carry the packet's TTL (an entry recorded with TTL 0 matches any).
  if (e && o.rttl && e.ttl !== ttl && e.ttl !== 0) e = undefined;
  if (!e) {
    if (o.command !== 'set') return { hit: false, why: `${who} is not in list ${o.name}${o.rttl && t.entries.has(addr) ? ` with TTL ${ttl}` : ''}` };
    if (!dryRun) {
      if (t.entries.size >= IP_LIST_TOT) t.entries.delete(t.entries.keys().next().value!);
      touch(t, addr, { stamps: [], ttl }, now, ttl);
    }
    return { hit: true, why: '' };
  }
  let hit = false, why = '';
  if (o.command === 'set') hit = true;
  else if (o.command === 'remove') {
    if (!dryRun) t.entries.delete(addr);
    hit = true;
  } else {
    const since = now - o.seconds;
    let hits = 0;
    for (const s of e.stamps) {
      if (o.seconds && s < since) continue;
      if (!o.hitcount || ++hits >= o.hitcount) {
        hit = true;
        break;
      }
    }
    if (!hit) why = `${who} was seen ${hits} time${hits === 1 ? '' : 's'}${o.seconds ? ` in the last ${o.seconds} s` : ''} in list ${o.name}${o.hitcount ? `, not ${o.hitcount}` : ''}`;
    // --reap: the least recently updated address of the list goes when its latest hit is too old
    // (unless it is the one this --update is about to refresh).
    if (o.reap && !dryRun) {
      const [oldAddr, oldest] = t.entries.entries().next().value!;
      const refreshing = oldest === e && o.command === 'update' && hit !== o.inv;
      if (!refreshing && oldest.stamps[oldest.stamps.length - 1] < since) t.entries.delete(oldAddr);
    }
  }
  if (!dryRun && (o.command === 'set' || (o.command === 'update' && hit !== o.inv))) touch(t, addr, e, now, ttl);
  return { hit, why };
}

const table = (ctx: { shared<T>(k: string, i: () => T): T }, o: RecentOptions): Table => {
  const t = ctx.shared<Table>(`recent:${o.name}`, () => ({ entries: new Map(), kept: 32 }));
  // The kernel sizes a list for the largest --hitcount among the rules that use it.
  t.kept = Math.max(t.kept, stampsKept(o.hitcount));
  return t;
};

export const recent: MatchModule<RecentOptions> = {
  kind: 'match',
  name: 'recent',
  help: 'Record the source (or destination) address in a named list, or test whether it is there, how often and how recently.',
  simulated: true,
  stateful: true,
  options: [
    { name: 'set', args: 0, invert: true, help: 'Add the address to the list, or refresh it (always matches).' },
    { name: 'rcheck', args: 0, invert: true, help: 'Match if the address is in the list.' },
    { name: 'update', args: 0, invert: true, help: 'Like --rcheck, and record a new hit when it matches.' },
    { name: 'remove', args: 0, invert: true, help: 'Match if the address is in the list, and remove it.' },
    {
      name: 'seconds', help: 'Only hits within this many seconds count (with --rcheck or --update).',
      parse: ([v]) => {
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 0xffffffff) throw new OptionError('recent: bad value for option "--seconds", or out of range (1-4294967295).');
        return Number(v);
      },
    },
    { name: 'reap', args: 0, help: 'Forget the least recently seen address when it is older than --seconds.' },
    {
      name: 'hitcount', help: 'At least this many hits (within --seconds).',
      parse: ([v]) => {
        if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new OptionError('recent: bad value for option "--hitcount", or out of range (0-4294967295).');
        return Number(v);
      },
    },
    { name: 'rttl', args: 0, help: 'The TTL must also equal the one recorded.' },
    { name: 'name', parse: ([v]) => v, help: 'List name (default DEFAULT).' },
    {
      name: 'mask', help: 'Netmask applied to addresses (default 255.255.255.255).',
      parse: ([v]) => {
        const m = parseIPv4(v);
        if (m === null) throw new OptionError(`recent: bad value for option "--mask", or out of range.`);
        return m;
      },
    },
    { name: 'rsource', args: 0, help: 'Use the source address (default).' },
    { name: 'rdest', args: 0, help: 'Use the destination address.' },
  ],
  finalize(p) {
    const cmds = (['set', 'rcheck', 'update', 'remove'] as const).filter((c) => p[c]);
    if (cmds.length === 0) throw new OptionError("recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
    if (cmds.length > 1) throw new OptionError(`recent: option "--${cmds[0]}" cannot be used together with "--${cmds[1]}".`);
    const cmd = cmds[0];
    if (p.rttl && (cmd === 'set' || cmd === 'remove')) throw new OptionError(`recent: option "--rttl" cannot be used together with "--${cmd}".`);
    if (p.reap && !p.seconds) throw new OptionError('recent: option "--reap" also requires "--seconds".');
    // iptables lets these through; the kernel refuses the rule.
    if ((p.seconds || p.hitcount) && (cmd === 'set' || cmd === 'remove'))
      throw new OptionError(`recent: the kernel refuses --${p.seconds ? 'seconds' : 'hitcount'} with --${cmd}, they go with --rcheck or --update (RULE_APPEND failed (Invalid argument))`);
    if ((p.hitcount?.value ?? 0) >= MAX_NSTAMPS) throw new OptionError(`recent: the kernel refuses --hitcount ${p.hitcount!.value}: at most ${MAX_NSTAMPS - 1} (RULE_APPEND failed (Invalid argument))`);
    const name: string = p.name?.value ?? 'DEFAULT';
    if (name === '' || name.includes('/') || name.length >= 200 || name === '.' || name === '..')
      throw new OptionError(`recent: the kernel refuses the list name "${name}" (RULE_APPEND failed (Invalid argument))`);
    return {
      command: cmd, inv: p[cmd]!.inv, seconds: p.seconds?.value ?? 0, reap: !!p.reap, hitcount: p.hitcount?.value ?? 0,
      rttl: !!p.rttl, name, mask: p.mask?.value ?? 0xffffffff, side: p.rdest ? 'rdest' : 'rsource',
    };
  },
  match: (pkt, o, ctx) => evaluate(pkt, o, table(ctx, o), ctx.now, false).hit !== o.inv,
  explain(pkt, o, ctx) {
    const r = evaluate(pkt, o, table(ctx, o), ctx.now, true);
    if (o.inv) return `${formatIPv4(((o.side === 'rsource' ? pkt.src : pkt.dst) & o.mask) >>> 0)} ${o.command === 'set' ? 'is always recorded' : `is in list ${o.name}`}${o.hitcount ? ` ${o.hitcount} times` : ''}${o.seconds ? ` within ${o.seconds} s` : ''} (negated)`;
    return r.why || 'matches';
  },
  save(o) {
    const out = [`${o.inv ? '! ' : ''}--${o.command}`];
    if (o.seconds) out.push(`--seconds ${o.seconds}`);
    if (o.reap) out.push('--reap');
    if (o.hitcount) out.push(`--hitcount ${o.hitcount}`);
    if (o.rttl) out.push('--rttl');
    out.push(`--name ${o.name}`, `--mask ${formatIPv4(o.mask)}`, `--${o.side}`);
    return out.join(' ');
  },
  list(o) {
    const word = { set: 'SET', rcheck: 'CHECK', update: 'UPDATE', remove: 'REMOVE' }[o.command];
    const out = [`${o.inv ? '! ' : ''}recent: ${word}`];
    if (o.seconds) out.push(`seconds: ${o.seconds}`);
    if (o.reap) out.push('reap');
    if (o.hitcount) out.push(`hit_count: ${o.hitcount}`);
    if (o.rttl) out.push('TTL-Match');
    out.push(`name: ${o.name}`, `side: ${o.side === 'rsource' ? 'source' : 'dest'}`, `mask: ${formatIPv4(o.mask)}`);
    return out.join(' ');
  },
  xlate(o, ctx) {
    if (!ctx) return { untranslatable: 'a recent list is shared by every rule naming it: it needs the whole ruleset' };
    const blocked = blocker(o);
    if (blocked) return { untranslatable: blocked };
    const uses = ctx.uses('recent').filter((u) => (u.options as RecentOptions).name === o.name);
    const tables = [...new Set(uses.map((u) => u.table))];
    if (tables.length > 1) return { untranslatable: `list ${o.name} is shared by the ${tables.join(' and ')} tables; an nft set belongs to one table` };
    const plan = listPlan(uses.map((u) => u.options as RecentOptions).filter((x) => !blocker(x)));
    if (o.reap && (plan.forever || plan.windows.some((w) => w > o.seconds)))
      return { untranslatable: `--reap forgets addresses idle for ${o.seconds} s, which other rules of list ${o.name} (${plan.forever ? 'without --seconds, or --remove' : `with --seconds ${Math.max(...plan.windows)}`}) would still see; an nft set has one timeout` };
    // One set per window the list is tested with: each holds the addresses whose latest hit is that
    // recent (its timeout), and every hit refreshes them all. A test without --seconds (or --remove) uses
    // the set that never times out.
    const many = plan.windows.length + (plan.forever ? 1 : 0) > 1;
    const sets = new Map<number, string>();
    if (plan.forever) sets.set(0, ctx.declare('set', o.name, 'type ipv4_addr; flags dynamic;'));
    for (const w of plan.windows) sets.set(w, ctx.declare('set', many ? `${o.name}_${nftTime(w)}` : o.name, `type ipv4_addr; flags dynamic,timeout; timeout ${nftTime(w)};`));
    const key = `ip ${o.side === 'rsource' ? 'saddr' : 'daddr'}${o.mask !== 0xffffffff ? ` & ${formatIPv4(o.mask)}` : ''}`;
    const all = (verb: string) => [...sets.values()].map((n) => `${verb} @${n} { ${key} }`).join(' ');
    const test = `${key} ${o.inv ? '!= ' : ''}@${sets.get(o.command === 'remove' ? 0 : o.seconds)}`;
    const nft = o.command === 'set' ? all('update') : o.command === 'rcheck' ? test : o.command === 'update' ? `${test} ${all('update')}` : `${test} ${all('delete')}`;
    // xt_recent forgets the least recently seen address beyond ip_list_tot (100) per list.
    return { nft, note: `iptables-translate 1.8.9 leaves -m recent untranslated; list ${o.name} keeps its latest ${IP_LIST_TOT} addresses, its nft sets up to 65535` };
  },
};

/// Why one rule's recent match has no exact nftables form, or null.
function blocker(o: RecentOptions): string | null {
  if (o.hitcount > 1)
    return `--hitcount ${o.hitcount} counts each address's hits${o.seconds ? ` within ${o.seconds} s` : ''} from the times xt_recent keeps; an nft set element keeps one timeout, and a per-element "limit rate over" is a token bucket that fires at other moments: no exact nftables equivalent`;
  if (o.rttl) return '--rttl compares the TTL of the address\'s latest hit; an nft set keyed by address . TTL would remember every TTL seen: no exact nftables equivalent';
  if (o.inv && o.command === 'set') return '! --set records the address and never matches; no nft statement fails a rule after updating a set';
  if (o.inv && o.command === 'update') return `! --update records a hit for addresses in the list with none within ${o.seconds} s; an nft rule cannot update a set after a failed lookup`;
  if (o.inv && o.command === 'remove') return '! --remove removes listed addresses without matching them; an nft rule deletes only when it goes on';
  return null;
}

/// The windows (--seconds) a list is tested with, and whether it is tested without one.
function listPlan(uses: RecentOptions[]): { windows: number[]; forever: boolean } {
  const windows = new Set<number>();
  let forever = false;
  for (const u of uses) {
    if (u.command === 'remove') forever = true;
    else if (u.command !== 'set') {
      if (u.seconds) windows.add(u.seconds);
      else forever = true;
    }
  }
  return { windows: [...windows].sort((a, b) => a - b), forever: forever || windows.size === 0 };
}

/// Seconds as nft lists a time: 1d2h3m4s.
function nftTime(s: number): string {
  const parts: [number, string][] = [[Math.floor(s / 86400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'm'], [s % 60, 's']];
  return parts.filter(([n]) => n).map(([n, u]) => `${n}${u}`).join('');
}
