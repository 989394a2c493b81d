// Just enough IPv4 for the UI's defaults (which interface faces an address, is it the host's own);
// the engine does the real routing.
import type { Scenario } from '../engine/model/scenario';

export function parseIPv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.some((p) => p > 255) ? null : parts.reduce((a, p) => a * 256 + p, 0);
}

function inCidr(addr: number, cidr: string): boolean {
  const [base, bits = '32'] = cidr.split('/');
  const b = parseIPv4(base);
  const n = Number(bits);
  if (b === null || !(n >= 0 && n <= 32)) return false;
  const size = 2 ** (32 - n);
  return Math.floor(addr / size) === Math.floor(b / size);
}

export function isLocalAddress(host: Scenario['host'], addr: string): boolean {
  const a = parseIPv4(addr);
  if (a === null) return false;
  if (inCidr(a, '127.0.0.0/8')) return true;
  return host.interfaces.some((i) => i.addresses.some((c) => parseIPv4(c.split('/')[0]) === a));
}

/// The interface a packet to `addr` would leave by: a connected network first, then the default route.
export function interfaceToward(host: Scenario['host'], addr: string): string {
  const a = parseIPv4(addr);
  const connected = a === null ? undefined : host.interfaces.find((i) => i.addresses.some((c) => inCidr(a, c)));
  if (connected) return connected.name;
  const route = host.routes?.find((r) => r.to !== 'default' && a !== null && inCidr(a, r.to) && r.dev) ?? host.routes?.find((r) => r.to === 'default');
  return route?.dev ?? host.interfaces[0]?.name ?? 'eth0';
}

/// The host's first address on an interface.
export function addressOf(host: Scenario['host'], iface: string): string | undefined {
  return host.interfaces.find((i) => i.name === iface)?.addresses[0]?.split('/')[0];
}
