// Numbers as xtables reads most option values: strtoull with base 0 (`0x10` hex, `010` octal, `16`
// decimal), no sign, bounded. Shared by the modules whose values are plain unsigned integers.
import { OptionError } from './types';

/// The value, or null when the text is not such a number or exceeds `max`.
export function cUint(text: string, max: bigint): bigint | null {
  let n: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) n = BigInt(text);
  else if (/^0[0-7]*$/.test(text)) n = BigInt('0o' + (text.slice(1) || '0'));
  else if (/^[1-9]\d*$/.test(text)) n = BigInt(text);
  else return null;
  return n <= max ? n : null;
}

export const U32 = 0xffffffffn;
export const U64 = 0xffffffffffffffffn;

/// `value[/mask]` where the value may be a name from an iproute2 table (device groups, realms): the
/// errors devgroup and realm give, in xtables' words.
export function parseValueMask(text: string, module: string, option: string, names: Record<string, number>): { value: number; mask: number } {
  const slash = text.indexOf('/');
  const num = cUint(slash < 0 ? text : text.slice(0, slash), U32);
  // A value that is not a number is a name, all of it: `default/0xf` is not a name.
  if (num === null) {
    if (Object.hasOwn(names, text)) return { value: names[text], mask: 0xffffffff };
    throw new OptionError(`${module}: could not map name ${text} to an integer value for option "--${option}".`);
  }
  if (slash < 0) return { value: Number(num), mask: 0xffffffff };
  const m = cUint(text.slice(slash + 1), U32);
  if (m === null) throw new OptionError(`${module}: bad integer value for option "--${option}", or out of range.`);
  return { value: Number(num), mask: Number(m) };
}

/// The name iptables-save and iptables-translate print for a value with a full mask, if the table has one.
export function nameOf(names: Record<string, number>, value: number, mask: number): string | undefined {
  return mask === 0xffffffff ? Object.keys(names).find((k) => names[k] === value) : undefined;
}

/// A 32-bit range `a`, `a:b`, `:b`, `a:` as esp and ah take their SPIs (a reversed range is kept).
export function parseU32Range(text: string, module: string, option: string): { min: number; max: number } {
  const parts = text.split(':');
  const bad = (t: string) => new OptionError(`${module}: bad value for option "--${option}" near "${t}", or out of range (0-4294967295).`);
  if (parts.length > 2) throw new OptionError(`${module}: Too many components for option "--${option}" (max: 2)`);
  const one = (t: string, dflt: number) => {
    if (t === '') return dflt;
    const n = cUint(t, U32);
    if (n === null) throw bad(t);
    return Number(n);
  };
  const min = one(parts[0], 0);
  return { min, max: parts.length === 1 ? min : one(parts[1], 0xffffffff) };
}
