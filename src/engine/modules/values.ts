// Value parsers shared by modules, with iptables' own error wording.
import { OptionError } from './types';
import { parseCidr, type Cidr } from '../model/addr';

/// The /etc/services names people write in rules (iptables resolves them with getservbyname).
const SERVICES: Record<string, number> = {
  ftp: 21, 'ftp-data': 20, ssh: 22, telnet: 23, smtp: 25, domain: 53, dns: 53, tftp: 69, http: 80, www: 80,
  pop3: 110, sunrpc: 111, auth: 113, ntp: 123, 'netbios-ns': 137, 'netbios-dgm': 138, 'netbios-ssn': 139,
  imap: 143, imap2: 143, snmp: 161, 'snmp-trap': 162, bgp: 179, ldap: 389, https: 443, 'microsoft-ds': 445,
  submission: 587, kerberos: 88, syslog: 514, ipp: 631, ldaps: 636, rsync: 873, imaps: 993, pop3s: 995,
  openvpn: 1194, mysql: 3306, 'ms-sql-s': 1433, pptp: 1723, nfs: 2049, squid: 3128, postgresql: 5432,
  sip: 5060, 'x11': 6000, 'http-alt': 8080, bootps: 67, bootpc: 68, isakmp: 500, 'ipsec-nat-t': 4500,
  smtps: 465, urd: 465, epmap: 135, rdp: 3389, 'ms-wbt-server': 3389, xmpp: 5222, redis: 6379, irc: 194,
};

/// Whether text is one or more ASCII digits (/^\d+$/, without running a regular expression per option).
export function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function parsePort(text: string): number {
  if (isDigits(text)) {
    const n = Number(text);
    if (n <= 65535) return n;
  } else if (Object.hasOwn(SERVICES, text)) return SERVICES[text];
  throw new OptionError(`invalid port/service \`${text}' specified`);
}

export interface Range {
  min: number;
  max: number;
}

/// `22`, `1024:65535`, `:1023` (from 0), `1024:` (to 65535), as --sport/--dport take them.
export function parsePortRange(text: string): Range {
  const i = text.indexOf(':');
  if (i < 0) {
    const p = parsePort(text);
    return { min: p, max: p };
  }
  const min = i === 0 ? 0 : parsePort(text.slice(0, i));
  const max = i === text.length - 1 ? 65535 : parsePort(text.slice(i + 1));
  if (min > max) throw new OptionError('invalid portrange (min > max)');
  return { min, max };
}

export function formatRange(r: Range, sep = ':'): string {
  return r.min === r.max ? String(r.min) : `${r.min}${sep}${r.max}`;
}

export function inRange(v: number, r: Range): boolean {
  return v >= r.min && v <= r.max;
}

/// Unsigned integer in decimal or 0x hex, bounded.
export function parseUint(text: string, max = 0xffffffff, what = 'value'): number {
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(text)) throw new OptionError(`Bad ${what} "${text}"`);
  const n = Number(text);
  if (n > max) throw new OptionError(`Bad ${what} "${text}"`);
  return n;
}

/// `value[/mask]` as --mark and --set-xmark take them; mask defaults to all ones.
export function parseMark(text: string): { value: number; mask: number } {
  const [v, m, extra] = text.split('/');
  if (extra !== undefined) throw new OptionError(`Bad mark value "${text}"`);
  const value = parseUint(v, 0xffffffff, 'mark value');
  const mask = m === undefined ? 0xffffffff : parseUint(m, 0xffffffff, 'mark value');
  return { value, mask };
}

export function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

/// An address or network, with the error iptables gives; host names are refused with an explanation.
export function parseAddress(text: string): Cidr {
  const c = parseCidr(text);
  if (c) return c;
  if (/[a-zA-Z]/.test(text) && !text.includes('/'))
    throw new OptionError(`host/network \`${text}' not found: nfplay cannot resolve host names, write the address instead`);
  throw new OptionError(`Bad argument \`${text}'`);
}

/// `N/second` and friends, as limit and hashlimit take them. Returns the rate as packets per second.
export const RATE_UNITS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400 };
export function parseRate(text: string): { count: number; unit: 'second' | 'minute' | 'hour' | 'day' } {
  const m = /^(\d+)(?:\/(s|sec|second|m|min|minute|h|hour|d|day))?$/.exec(text);
  if (!m || Number(m[1]) === 0) throw new OptionError(`bad rate "${text}'`);
  const u = m[2] ?? 'second';
  const unit = u.startsWith('s') ? 'second' : u.startsWith('m') ? 'minute' : u.startsWith('h') ? 'hour' : 'day';
  return { count: Number(m[1]), unit };
}
export const RATE_ABBR = { second: 'sec', minute: 'min', hour: 'hour', day: 'day' } as const;

/// Comma-separated list of names from a fixed vocabulary (--ctstate NEW,ESTABLISHED).
export function parseNameList<T extends string>(text: string, allowed: readonly T[], what: string): T[] {
  const out: T[] = [];
  for (const raw of text.split(',')) {
    const name = raw.toUpperCase() as T;
    if (!allowed.includes(name)) throw new OptionError(`Bad ${what} "${raw}"`);
    out.push(name);
  }
  return out;
}

export function not(inv: boolean): string {
  return inv ? '! ' : '';
}

/// A byte as iptables prints TOS and DSCP values: `0x` and two hex digits.
export const hex2 = (n: number) => '0x' + n.toString(16).padStart(2, '0');

/// The DiffServ class names --dscp-class and --set-dscp-class take (case-insensitive).
export const DSCP_CLASSES: Record<string, number> = {
  CS0: 0x00, CS1: 0x08, CS2: 0x10, CS3: 0x18, CS4: 0x20, CS5: 0x28, CS6: 0x30, CS7: 0x38, BE: 0x00,
  AF11: 0x0a, AF12: 0x0c, AF13: 0x0e, AF21: 0x12, AF22: 0x14, AF23: 0x16, AF31: 0x1a, AF32: 0x1c, AF33: 0x1e,
  AF41: 0x22, AF42: 0x24, AF43: 0x26, EF: 0x2e,
};

export function parseDscpClass(v: string): number {
  const n = Object.hasOwn(DSCP_CLASSES, v.toUpperCase()) ? DSCP_CLASSES[v.toUpperCase()] : undefined;
  if (n === undefined) throw new OptionError(`Invalid DSCP value \`${v}'`);
  return n;
}
