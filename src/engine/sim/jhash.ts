// Bob Jenkins' lookup3 hashword, as the kernel's jhash2() computes it: NAT picks an address from a range
// by this hash of the connection's addresses, so the same clients land on the same addresses as on Linux.

const rol = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export function jhash2(words: readonly number[], initval: number): number {
  let a = (0xdeadbeef + (words.length << 2) + initval) >>> 0;
  let b = a, c = a;
  let k = 0, n = words.length;
  while (n > 3) {
    a = (a + words[k]) >>> 0; b = (b + words[k + 1]) >>> 0; c = (c + words[k + 2]) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rol(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rol(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rol(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rol(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rol(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rol(b, 4)) >>> 0; b = (b + a) >>> 0;
    n -= 3;
    k += 3;
  }
  if (n === 0) return c;
  if (n >= 3) c = (c + words[k + 2]) >>> 0;
  if (n >= 2) b = (b + words[k + 1]) >>> 0;
  a = (a + words[k]) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol(b, 24)) >>> 0;
  return c;
}

/// An IPv4 address as the kernel's memory holds it, read as a little-endian word (x86).
export function wire(addr: number): number {
  return (((addr & 0xff) << 24) | ((addr & 0xff00) << 8) | ((addr >>> 8) & 0xff00) | (addr >>> 24)) >>> 0;
}

/// find_best_ips_proto: the address of [min, max] a connection from `src` to `dst` gets.
export function pickAddress(min: number, max: number, src: number, dst: number, persistent: boolean, zone = 0): number {
  if (min === max) return min;
  const j = jhash2([wire(src), 0, 0, 0], persistent ? 0 : (wire(dst) ^ zone) >>> 0);
  const dist = (max - min + 1) >>> 0;
  // reciprocal_scale: the high word of j * dist.
  return (min + Math.floor((j * dist) / 0x100000000)) >>> 0;
}
