// -m dccp: DCCP ports, packet types and options (xt_dccp). Needs -p dccp. The packet model has no DCCP
// header: a scenario packet carries it as its payload (RFC 4340 layout), as the kernel recorder sends it.
// Kernel-recorded (test/kernel/cases/modules-more/dccp-*): fewer than 12 bytes of header, or a data
// offset short of the header when --dccp-option looks for options, and the kernel drops the packet.
import type { MatchContext, MatchModule } from '../types';
import { payloadUint, type Packet } from '../../model/packet';
import { OptionError } from '../types';
import { parsePort, type Range } from '../values';
import { shortHeaderDrop, shortHeaderNote } from '../short-header';

/// Packet types by bit; INVALID stands for every type from 10 up.
const TYPES = ['REQUEST', 'RESPONSE', 'DATA', 'ACK', 'DATAACK', 'CLOSEREQ', 'CLOSE', 'RESET', 'SYNC', 'SYNCACK'] as const;
const INVALID = 0xfc00;

interface Ports {
  range: Range;
  inv: boolean;
}

export interface DccpOptions {
  sport?: Ports;
  dport?: Ports;
  types?: { mask: number; inv: boolean };
  option?: { kind: number; inv: boolean };
}

/// A port as xtables reads it: a service name, or a number kept in 16 bits (70000 is 4464).
function port(t: string): number {
  if (/^\d+$/.test(t)) return Number(t) % 65536;
  try {
    return parsePort(t);
  } catch {
    throw new OptionError(`Port "${t}" does not resolve to anything.`);
  }
}

function ports(v: string, option: string): Range {
  const parts = v.split(':');
  if (parts.length > 2) throw new OptionError(`dccp: Too many components for option "--${option}" (max: 2)`);
  // A reversed range is kept, as iptables keeps it (it never matches).
  const min = parts[0] === '' ? 0 : port(parts[0]);
  return { min, max: parts.length === 1 ? min : parts[1] === '' ? 65535 : port(parts[1]) };
}

function types(v: string): number {
  let mask = 0;
  for (const raw of v.split(',')) {
    const u = raw.toUpperCase();
    const i = (TYPES as readonly string[]).indexOf(u);
    if (i >= 0) mask |= 1 << i;
    else if (u === 'INVALID') mask |= INVALID;
    else throw new OptionError(`Unknown DCCP type \`${raw}'`);
  }
  return mask;
}

/// The header fields the match reads, from the payload; null when it is shorter than the 12 bytes of a
/// generic header.
function header(payload: string): { sport: number; dport: number; type: number; x: boolean; doff: number } | null {
  if (payload.length < 12) return null;
  const b = (i: number) => payload.charCodeAt(i) & 0xff;
  return { sport: payloadUint(payload, 0, 2)!, dport: payloadUint(payload, 2, 2)!, doff: b(4), type: (b(8) >> 1) & 15, x: !!(b(8) & 1) };
}

/// What each type adds to the generic header: a service code (Request), an acknowledgement number, or
/// both (Response; Reset with its code, as every reserved type is read).
const TYPE_BYTES = [4, 12, 0, 8, 8, 8, 8, 12, 8, 8];

/// Bytes of header before the options: 12, 4 more for 48-bit sequence numbers, and the type's own.
const headerLength = (h: { type: number; x: boolean }) => 12 + (h.x ? 4 : 0) + (TYPE_BYTES[h.type] ?? 12);

/// Whether the options hold `kind`, walking them as the kernel does; 'drop' for a data offset short of the
/// header or options past the packet's end.
function hasOption(payload: string, h: { type: number; x: boolean; doff: number }, kind: number): boolean | 'drop' {
  const start = headerLength(h), len = h.doff * 4 - start;
  if (len < 0) return 'drop';
  if (len === 0) return false;
  if (payload.length < start + len) return 'drop';
  for (let i = 0; i < len;) {
    const k = payload.charCodeAt(start + i) & 0xff;
    if (k === kind) return true;
    i += k < 2 ? 1 : (payload.charCodeAt(start + i + 1) & 0xff) || 1;
  }
  return false;
}

/// The first clause that fails (with why), null when all hold, or 'drop'.
function failing(pkt: Packet, o: DccpOptions): string | null | 'drop' {
  if (pkt.fragOffset) return 'a later fragment carries no header';
  const h = header(pkt.payload);
  if (!h) return 'drop';
  const inRange = (v: number, r: Range) => v >= r.min && v <= r.max;
  if (o.sport && inRange(h.sport, o.sport.range) === o.sport.inv) return `sport ${h.sport} is ${o.sport.inv ? '' : 'not '}in ${range(o.sport.range)}`;
  if (o.dport && inRange(h.dport, o.dport.range) === o.dport.inv) return `dport ${h.dport} is ${o.dport.inv ? '' : 'not '}in ${range(o.dport.range)}`;
  if (o.types && !!(o.types.mask & (1 << h.type)) === o.types.inv) return `type ${h.type} is ${o.types.inv ? '' : 'not '}one of ${typeNames(o.types.mask).join(',')}`;
  if (o.option) {
    const has = hasOption(pkt.payload, h, o.option.kind);
    if (has === 'drop') return 'drop';
    if (has === o.option.inv) return `option ${o.option.kind} is ${has ? '' : 'not '}present`;
  }
  return null;
}

function match(pkt: Packet, o: DccpOptions, ctx: MatchContext): boolean {
  const why = failing(pkt, o);
  if (why === 'drop') ctx.hotdrop?.();
  return why === null;
}

const typeNames = (mask: number) => [...TYPES.filter((_, i) => mask & (1 << i)), ...(mask & INVALID ? ['INVALID'] : [])];
const typeNumbers = (mask: number) => Array.from({ length: 16 }, (_, i) => i).filter((i) => mask & (1 << i));
const range = (r: Range, sep = ':') => (r.min === r.max ? String(r.min) : `${r.min}${sep}${r.max}`);

export const dccp: MatchModule<DccpOptions> = {
  kind: 'match',
  name: 'dccp',
  help: 'Match DCCP ports, packet types and options. Needs -p dccp.',
  simulated: 'the DCCP header is read from the payload (the scenario\'s packet carries it there)',
  options: [
    { name: 'sport', aliases: ['source-port'], invert: true, parse: ([v]) => ports(v, 'source-port'), help: 'Source port or range min:max.' },
    { name: 'dport', aliases: ['destination-port'], invert: true, parse: ([v]) => ports(v, 'destination-port'), help: 'Destination port or range min:max.' },
    { name: 'dccp-types', invert: true, values: [...TYPES, 'INVALID'], parse: ([v]) => types(v), help: 'Packet types, comma-separated: REQUEST, RESPONSE, DATA, ACK, DATAACK, CLOSEREQ, CLOSE, RESET, SYNC, SYNCACK, INVALID.' },
    {
      name: 'dccp-option', invert: true, help: 'A DCCP option number (1-255) the packet carries.',
      parse: ([v]) => {
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 255) throw new OptionError('dccp: bad value for option "--dccp-option", or out of range (1-255).');
        return Number(v);
      },
    },
  ],
  finalize(p, rule) {
    if (rule.proto !== 33 || rule.protoInv) throw new OptionError('dccp match: only valid with -p dccp (the kernel refuses the rule: Invalid argument)');
    const o: DccpOptions = {};
    if (p.sport) o.sport = { range: p.sport.value, inv: p.sport.inv };
    if (p.dport) o.dport = { range: p.dport.value, inv: p.dport.inv };
    if (p['dccp-types']) o.types = { mask: p['dccp-types'].value, inv: p['dccp-types'].inv };
    if (p['dccp-option']) o.option = { kind: p['dccp-option'].value, inv: p['dccp-option'].inv };
    return o;
  },
  match,
  explain(pkt, o) {
    const why = failing(pkt, o);
    return why === 'drop' ? 'the DCCP header is cut short: the kernel drops the packet' : why ?? 'matches';
  },
  save(o) {
    const out: string[] = [];
    const inv = (x: { inv: boolean }) => (x.inv ? '! ' : '');
    if (o.sport) out.push(`${inv(o.sport)}--sport ${range(o.sport.range)}`);
    if (o.dport) out.push(`${inv(o.dport)}--dport ${range(o.dport.range)}`);
    if (o.types) out.push(`${inv(o.types)}--dccp-types ${typeNames(o.types.mask).join(',')}`);
    if (o.option) out.push(`${inv(o.option)}--dccp-option ${o.option.kind}`);
    return out.join(' ');
  },
  list(o) {
    const out = ['dccp'];
    const ports = (k: 'spt' | 'dpt', x: Ports) => `${k}${x.range.min === x.range.max ? '' : 's'}:${x.inv ? '!' : ''}${range(x.range)}`;
    if (o.sport) out.push(ports('spt', o.sport));
    if (o.dport) out.push(ports('dpt', o.dport));
    if (o.types) out.push(`${o.types.inv ? '! ' : ''}${typeNumbers(o.types.mask).join(',')}`);
    if (o.option) out.push(`option=${o.option.inv ? '!' : ''}${o.option.kind}`);
    return out.join(' ');
  },
  // Compat keeps iptables-translate's payload expressions, which let a short header through, and says so.
  xlate(o, ctx) {
    if (o.option) return { untranslatable: 'nft 1.0 has no expression for DCCP options (iptables-translate 1.8.9 leaves --dccp-option untranslated too)' };
    for (const [k, x] of [['sport', o.sport], ['dport', o.dport]] as const)
      if (x && x.range.min > x.range.max) return { untranslatable: `--${k} ${range(x.range)} is a reversed range, which nft refuses (the kernel never matches it${x.inv ? ', so the negation always matches' : ''})` };
    const out: string[] = [];
    const ne = (x: { inv: boolean }) => (x.inv ? '!= ' : '');
    if (o.sport) out.push(`dccp sport ${ne(o.sport)}${range(o.sport.range, '-')}`);
    if (o.dport) out.push(`dccp dport ${ne(o.dport)}${range(o.dport.range, '-')}`);
    if (o.types) {
      const names = [...TYPES.filter((_, i) => o.types!.mask & (1 << i)).map((t) => t.toLowerCase()), ...(o.types.mask & INVALID ? ['10-15'] : [])];
      out.push(`dccp type ${ne(o.types)}${names.length === 1 ? names[0] : `{ ${names.join(', ')} }`}`);
    }
    if (ctx?.flavour === 'idiomatic') return { nft: [shortHeaderDrop(33, 12), ...out].join(' ') };
    return { nft: out.join(' '), note: shortHeaderNote('DCCP', 12, out.length ? 'nft\'s `dccp` expressions' : 'the translation') };
  },
};
