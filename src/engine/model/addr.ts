// IPv4 addresses as unsigned 32-bit numbers: cheap to compare and mask in the hot path.
// IPv6 will get its own representation; every value that carries an address also carries its family.

export type Family = 4 | 6;

/// Parses dotted-quad IPv4; returns null for anything else (no shorthand like "10.1", as iptables).
export function parseIPv4(text: string): number | null {
  return parseIPv4In(text, 0, text.length);
}

/// parseIPv4 of text[from, to), without cutting it out.
function parseIPv4In(text: string, from: number, to: number): number | null {
  // Four dot-separated groups of 1-3 ASCII digits, each at most 255 (leading zeros allowed: 010 is 10).
  let n = 0, part = 0, digits = 0, dots = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return null;
      part = part * 10 + (c - 48);
    } else if (c === 46 && digits > 0 && dots < 3 && part <= 255) {
      n = n * 256 + part;
      part = digits = 0;
      dots++;
    } else return null;
  }
  if (dots !== 3 || digits === 0 || part > 255) return null;
  return (n * 256 + part) >>> 0;
}

/// Octets as text, made once: an address is then three concatenations rather than seven (translating a
/// 100k-rule dump formats hundreds of thousands).
const OCTET = Array.from({ length: 256 }, (_, i) => String(i));
const OCTET_DOT = OCTET.map((o) => `${o}.`);

export function formatIPv4(n: number): string {
  return OCTET_DOT[n >>> 24] + OCTET_DOT[(n >>> 16) & 255] + OCTET_DOT[(n >>> 8) & 255] + OCTET[n & 255];
}

export function prefixToMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/// The prefix length of a contiguous mask, or -1 for a non-contiguous one (iptables prints those dotted).
export function maskToPrefix(mask: number): number {
  const inv = ~mask >>> 0;
  if ((inv & (inv + 1)) !== 0) return -1;
  return 32 - Math.log2(inv + 1);
}

export interface Cidr {
  addr: number; // already masked, as iptables stores it
  mask: number;
}

/// `10.0.0.0/8`, `10.0.0.5`, `10.0.0.0/255.0.0.0`. Returns null when it is not an address.
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const a = parseIPv4In(text, 0, slash < 0 ? text.length : slash);
  if (a === null) return null;
  let mask = 0xffffffff;
  if (slash >= 0) {
    const prefix = prefixLength(text, slash + 1);
    if (prefix >= 0) mask = prefixToMask(prefix);
    else {
      const dotted = parseIPv4In(text, slash + 1, text.length);
      if (dotted === null) return null;
      mask = dotted;
    }
  }
  return { addr: (a & mask) >>> 0, mask };
}

/// The 1- or 2-digit number 0..32 that text[from..] is, or -1.
function prefixLength(text: string, from: number): number {
  const n = text.length - from;
  if (n < 1 || n > 2) return -1;
  let v = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v <= 32 ? v : -1;
}

/// As iptables-save prints it: `10.0.0.0/8`, `10.0.0.5/32`, or a dotted mask when not contiguous.
export function formatCidr(c: Cidr): string {
  const p = maskToPrefix(c.mask);
  return `${formatIPv4(c.addr)}/${p < 0 ? formatIPv4(c.mask) : p}`;
}

/// As `iptables -L -n` prints it: a host address without /32, `0.0.0.0/0` for any.
export function listCidr(c: Cidr): string {
  return c.mask === 0xffffffff ? formatIPv4(c.addr) : formatCidr(c);
}

export function inCidr(addr: number, c: Cidr): boolean {
  return ((addr & c.mask) >>> 0) === c.addr;
}

/// Host names cannot be resolved in a browser: say so instead of "bad address".
export function looksLikeHostname(text: string): boolean {
  return /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/.test(text) && /[a-zA-Z]/.test(text);
}
