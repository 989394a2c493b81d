// -m recent: remember addresses in named lists and test them later (xt_recent): port knocking,
// brute-force throttling. Lists are shared by name across rules and keep the latest timestamps per address.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { formatIPv4, parseIPv4 } from '../../model/addr';
import { parseUint } from '../values';

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

/// The kernel keeps this many timestamps per address (module parameter ip_pkt_list_tot).
export const PKT_LIST_TOT = 255;

interface Entry {
  stamps: number[];
  ttl: number;
}

export const recent: MatchModule<RecentOptions> = {
  kind: 'match',
  name: 'recent',
  help: 'Record the source (or destination) address in a named list, or test whether it is there, how often and how recently.',
  simulated: true,
  stateful: true,
  options: [
    { name: 'set', args: 0, invert: true, help: 'Add the address to the list (always matches).' },
    { name: 'rcheck', args: 0, invert: true, help: 'Match if the address is in the list.' },
    { name: 'update', args: 0, invert: true, help: 'Like --rcheck, and refresh the entry when it matches.' },
    { name: 'remove', args: 0, invert: true, help: 'Match if the address is in the list, and remove it.' },
    { name: 'seconds', parse: ([v]) => parseUint(v, 0xffffffff, 'seconds'), help: 'Only entries seen within this many seconds.' },
    { name: 'reap', args: 0, help: 'Purge entries older than --seconds.' },
    { name: 'hitcount', parse: ([v]) => parseUint(v, PKT_LIST_TOT, 'hitcount'), help: 'At least this many hits (within --seconds).' },
    { name: 'rttl', args: 0, help: 'The TTL must also equal the one recorded.' },
    { name: 'name', help: 'List name (default DEFAULT).' },
    { name: 'mask', parse: ([v]) => { const m = parseIPv4(v); if (m === null) throw new OptionError(`recent: bad mask "${v}"`); return m; }, help: 'Netmask applied to addresses.' },
    { name: 'rsource', args: 0, help: 'Use the source address (default).' },
    { name: 'rdest', args: 0, help: 'Use the destination address.' },
  ],
  finalize(p) {
    const cmds = (['set', 'rcheck', 'update', 'remove'] as const).filter((c) => p[c]);
    if (cmds.length !== 1) throw new OptionError('recent: you must specify one of `--set\', `--rcheck\', `--update\' or `--remove\'');
    if ((p.seconds || p.hitcount) && (p.set || p.remove)) throw new OptionError('recent: --seconds and --hitcount go with --rcheck or --update');
    if (p.reap && !p.seconds) throw new OptionError('recent: --reap needs --seconds');
    return {
      command: cmds[0], inv: p[cmds[0]]!.inv, seconds: p.seconds?.value ?? 0, reap: !!p.reap, hitcount: p.hitcount?.value ?? 0,
      rttl: !!p.rttl, name: p.name?.value ?? 'DEFAULT', mask: p.mask?.value ?? 0xffffffff, side: p.rdest ? 'rdest' : 'rsource',
    };
  },
  match(pkt, o, ctx) {
    const list = ctx.shared(`recent:${o.name}`, () => new Map<number, Entry>());
    const addr = ((o.side === 'rsource' ? pkt.src : pkt.dst) & o.mask) >>> 0;
    // The kernel adds one to the TTL of locally generated packets (as seen before routing).
    const ttl = pkt.iif === null && pkt.oif !== null ? pkt.ttl + 1 : pkt.ttl;
    let e = list.get(addr);
    if (e && o.rttl && e.ttl !== ttl) e = undefined;
    let hit = false;
    if (!e) {
      if (o.command !== 'set') return o.inv;
      list.set(addr, { stamps: [ctx.now], ttl });
      return !o.inv;
    }
    if (o.command === 'set') hit = true;
    else if (o.command === 'remove') {
      list.delete(addr);
      hit = true;
    } else if (o.seconds || o.hitcount) {
      const since = ctx.now - o.seconds;
      let hits = 0;
      for (const t of e.stamps) {
        if (o.seconds && t < since) continue;
        if (!o.hitcount || ++hits >= o.hitcount) {
          hit = true;
          break;
        }
      }
      if (o.reap) e.stamps = e.stamps.filter((t) => t >= since);
    } else hit = true;
    if (o.command === 'set' || (o.command === 'update' && hit !== o.inv)) {
      e.stamps.push(ctx.now);
      if (e.stamps.length > PKT_LIST_TOT) e.stamps.shift();
      e.ttl = ttl;
    }
    return hit !== o.inv;
  },
  explain: (pkt, o) => `${formatIPv4(o.side === 'rsource' ? pkt.src : pkt.dst)} ${o.inv ? 'is' : 'is not'} in list ${o.name}${o.hitcount ? ` ${o.hitcount} times` : ''}${o.seconds ? ` within ${o.seconds} s` : ''}`,
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
    const out = [`recent: ${o.inv ? '! ' : ''}${o.command.toUpperCase().replace('RCHECK', 'CHECK').replace('SET', 'SET')}`];
    if (o.seconds) out.push(`seconds: ${o.seconds}`);
    if (o.reap) out.push('reap');
    if (o.hitcount) out.push(`hit_count: ${o.hitcount}`);
    if (o.rttl) out.push('TTL-Match');
    out.push(`name: ${o.name}`, `side: ${o.side === 'rsource' ? 'source' : 'dest'}`, `mask: ${formatIPv4(o.mask)}`);
    return out.join(' ');
  },
  xlate: () => ({ untranslatable: 'recent lists become nftables dynamic sets (translated by the migration preview)' }),
};
