// -m tcp: ports, flags and options of TCP (libxt_tcp). Loaded implicitly by `-p tcp --dport ...`.
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { formatRange, inRange, not, parsePortRange, parseUint, type Range } from '../values';
import { TCP } from '../../model/packet';
import { ports } from './udp';

/// Flag names as --tcp-flags takes them; ALL is the six classic bits (ECE and CWR are not named).
const FLAG_NAMES: [string, number][] = [
  ['FIN', TCP.FIN], ['SYN', TCP.SYN], ['RST', TCP.RST], ['PSH', TCP.PSH], ['ACK', TCP.ACK], ['URG', TCP.URG],
  ['ALL', 0x3f], ['NONE', 0],
];

function parseFlags(text: string): number {
  let bits = 0;
  for (const name of text.split(',')) {
    const f = FLAG_NAMES.find(([n]) => n === name.toUpperCase());
    if (!f) throw new OptionError(`Unknown TCP flag \`${name}'`);
    bits |= f[1];
  }
  return bits;
}

/// As libxt_tcp prints them: the named bits in header order, NONE for none.
export function formatTcpFlags(bits: number): string {
  const names = FLAG_NAMES.slice(0, 6).filter(([, b]) => bits & b).map(([n]) => n);
  return names.length ? names.join(',') : 'NONE';
}

interface Flags {
  mask: number;
  cmp: number;
}

export interface TcpOptions {
  sport: Range | null;
  sportInv: boolean;
  dport: Range | null;
  dportInv: boolean;
  flags: Flags | null;
  flagsInv: boolean;
  option: number | null;
  optionInv: boolean;
}

const SYN: Flags = { mask: TCP.FIN | TCP.SYN | TCP.RST | TCP.ACK, cmp: TCP.SYN };
const ANY_SEGMENT: TcpOptions = { sport: null, sportInv: false, dport: null, dportInv: false, flags: null, flagsInv: false, option: null, optionInv: false };

export const tcp: MatchModule<TcpOptions> = {
  kind: 'match',
  name: 'tcp',
  help: 'Match TCP ports, flags and options. Needs -p tcp.',
  simulated: true,
  options: [
    { name: 'sport', aliases: ['source-port'], invert: true, parse: ([v]) => parsePortRange(v), help: 'Source port or range (port:port).' },
    { name: 'dport', aliases: ['destination-port'], invert: true, parse: ([v]) => parsePortRange(v), help: 'Destination port or range (port:port).' },
    {
      name: 'tcp-flags', args: 2, invert: true, values: FLAG_NAMES.map(([n]) => n),
      parse: ([mask, cmp]) => ({ mask: parseFlags(mask), cmp: parseFlags(cmp) }),
      help: 'MASK COMP: of the flags in MASK, exactly those in COMP must be set (e.g. SYN,ACK,FIN,RST SYN).',
    },
    { name: 'syn', args: 0, invert: true, help: 'Only connection-opening segments: SYN set, ACK, RST and FIN clear.' },
    { name: 'tcp-option', invert: true, parse: ([v]) => parseUint(v, 255, 'TCP option'), help: 'The TCP option of this kind number is present.' },
  ],
  finalize(p, rule) {
    if (rule.proto !== 6 || rule.protoInv) throw new OptionError('tcp match: only valid for protocol 6 (use -p tcp)');
    if (p.syn && p['tcp-flags']) throw new OptionError('Only one of `--syn\' or `--tcp-flags\' may be specified');
    const f = p['tcp-flags'] ?? p.syn;
    // `-m tcp` alone (kube-proxy's DNAT rules): one object for all of them.
    if (!p.sport && !p.dport && !f && !p['tcp-option']) return ANY_SEGMENT;
    return {
      sport: p.sport?.value ?? null, sportInv: p.sport?.inv ?? false,
      dport: p.dport?.value ?? null, dportInv: p.dport?.inv ?? false,
      flags: p.syn ? SYN : (p['tcp-flags']?.value ?? null), flagsInv: f?.inv ?? false,
      option: p['tcp-option']?.value ?? null, optionInv: p['tcp-option']?.inv ?? false,
    };
  },
  match(pkt, o) {
    // Later fragments carry no TCP header: the kernel's tcp match never matches them.
    if (pkt.fragOffset !== 0) return false;
    if (o.sport && inRange(pkt.sport, o.sport) === o.sportInv) return false;
    if (o.dport && inRange(pkt.dport, o.dport) === o.dportInv) return false;
    if (o.flags && (((pkt.flags & o.flags.mask) === o.flags.cmp) === o.flagsInv)) return false;
    if (o.option !== null && pkt.tcpOptions.includes(o.option) === o.optionInv) return false;
    return true;
  },
  explain(pkt, o) {
    if (pkt.fragOffset !== 0) return 'a later fragment has no TCP header';
    if (o.sport && inRange(pkt.sport, o.sport) === o.sportInv)
      return `sport ${pkt.sport} is ${o.sportInv ? '' : 'not '}${o.sport.min === o.sport.max ? '' : 'in '}${formatRange(o.sport)}`;
    if (o.dport && inRange(pkt.dport, o.dport) === o.dportInv)
      return `dport ${pkt.dport} is ${o.dportInv ? '' : 'not '}${o.dport.min === o.dport.max ? '' : 'in '}${formatRange(o.dport)}`;
    if (o.flags && (((pkt.flags & o.flags.mask) === o.flags.cmp) === o.flagsInv))
      return `flags ${formatTcpFlags(pkt.flags & o.flags.mask)} of ${formatTcpFlags(o.flags.mask)} ${o.flagsInv ? 'are' : 'are not'} ${formatTcpFlags(o.flags.cmp)}`;
    return `TCP option ${o.option} is ${o.optionInv ? '' : 'not '}present`;
  },
  space(o) {
    if (o.option !== null) return null;
    const parts: Space[] = [{ field: 'fragment', ranges: [{ min: 0, max: 0 }] }, ...ports.space(o).all];
    if (o.flags) {
      const f: Space = { field: 'tcpflags', value: o.flags.cmp, mask: o.flags.mask };
      parts.push(o.flagsInv ? { not: f } : f);
    }
    return { all: parts };
  },
  save(o) {
    const out: string[] = [];
    if (o.sport) out.push(`${not(o.sportInv)}--sport ${formatRange(o.sport)}`);
    if (o.dport) out.push(`${not(o.dportInv)}--dport ${formatRange(o.dport)}`);
    if (o.option !== null) out.push(`${not(o.optionInv)}--tcp-option ${o.option}`);
    if (o.flags) out.push(`${not(o.flagsInv)}--tcp-flags ${formatTcpFlags(o.flags.mask)} ${formatTcpFlags(o.flags.cmp)}`);
    return out.join(' ');
  },
  list(o) {
    const out = ['tcp'];
    const port = (label: string, r: Range, inv: boolean) =>
      `${label}${r.min === r.max ? '' : 's'}:${inv ? '!' : ''}${formatRange(r)}`;
    if (o.sport) out.push(port('spt', o.sport, o.sportInv));
    if (o.dport) out.push(port('dpt', o.dport, o.dportInv));
    if (o.option !== null) out.push(`option=${o.optionInv ? '!' : ''}${o.option}`);
    if (o.flags) out.push(`flags:${o.flagsInv ? '!' : ''}0x${o.flags.mask.toString(16).padStart(2, '0')}/0x${o.flags.cmp.toString(16).padStart(2, '0')}`);
    return out.join(' ');
  },
  xlate(o) {
    // Called for most rules of big dumps: no closures, no arrays.
    let nft = '';
    let note: string | undefined;
    // 1.8.9 drops a full range even when negated, which turns "never" into "always" (ODDITIES A2);
    // the plain full range still needs the protocol, which the rule adds when nothing names it.
    if (o.sport && (o.sportInv || !fullRange(o.sport))) {
      if (fullRange(o.sport)) note = fullRangeNote('sport');
      nft = portXlate('sport', o.sport, o.sportInv);
    }
    if (o.dport && (o.dportInv || !fullRange(o.dport))) {
      if (fullRange(o.dport)) note = fullRangeNote('dport');
      nft = and(nft, portXlate('dport', o.dport, o.dportInv));
    }
    if (o.flags) {
      const names = (b: number) => (b ? formatTcpFlags(b).toLowerCase() : '0x0');
      // `tcp flags syn / syn` with a one-flag mask is a syntax error in nft 1.0.6 (ODDITIES B13).
      if ((o.flags.mask & (o.flags.mask - 1)) === 0) {
        nft = and(nft, `tcp flags & ${names(o.flags.mask)} ${o.flagsInv ? '!=' : '=='} ${names(o.flags.cmp)}`);
        note = 'iptables-translate 1.8.9 writes a one-flag mask as `tcp flags X / X`, which nft 1.0.6 cannot parse';
      } else nft = and(nft, `tcp flags ${o.flagsInv ? '!= ' : ''}${names(o.flags.cmp)} / ${names(o.flags.mask)}`);
    }
    if (o.option !== null) nft = and(nft, `tcp option ${o.option} ${o.optionInv ? 'missing' : 'exists'}`);
    return note ? { nft, note } : { nft };
  },
};

const fullRange = (r: Range) => r.min === 0 && r.max === 65535;
const fullRangeNote = (dir: string) => `iptables-translate 1.8.9 drops ! --${dir} 0:65535 (the rule would match every packet instead of none)`;
const and = (a: string, b: string) => (a ? `${a} ${b}` : b);

function portXlate(dir: 'sport' | 'dport', r: Range, inv: boolean): string {
  return `tcp ${dir} ${inv ? '!= ' : ''}${r.min === r.max ? r.min : `${r.min}-${r.max}`}`;
}
