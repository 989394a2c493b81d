// IPv4 addresses as unsigned 32-bit numbers: cheap to compare and mask in the hot path.
// IPv6 will get its own representation; every value that carries an address also carries its family.

export type Family = 4 | 6;

/// Parses dotted-quad IPv4; returns null for anything else (no shorthand like "10.1", as iptables).
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n >>> 0;
}

export function formatIPv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
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
  const a = parseIPv4(slash < 0 ? text : text.slice(0, slash));
  if (a === null) return null;
  let mask = 0xffffffff;
  if (slash >= 0) {
    const m = text.slice(slash + 1);
    if (/^\d{1,2}$/.test(m) && Number(m) <= 32) mask = prefixToMask(Number(m));
    else {
      const dotted = parseIPv4(m);
      if (dotted === null) return null;
      mask = dotted;
    }
  }
  return { addr: (a & mask) >>> 0, mask };
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
