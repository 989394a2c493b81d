// -j MARK: set the packet's mark, skb->mark (libxt_MARK revision 2). Every form is stored as an
// xor-and-mask pair, mark = (mark & ~mask) ^ value, and saved that way: `--set-mark 5` saves as
// `--set-xmark 0x5/0xffffffff`.
import type { Parsed, TargetModule } from '../types';
import { OptionError } from '../types';
import { hex } from '../values';

export interface XMark {
  value: number;
  mask: number;
}

function uint32(text: string): number | null {
  if (!/^(0x[0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.test(text)) return null;
  const n = text.startsWith('0x') ? parseInt(text, 16) : /^0[0-7]+$/.test(text) ? parseInt(text, 8) : Number(text);
  return n <= 0xffffffff ? n : null;
}

/// `value[/mask]` with iptables' wording on error.
function markMask(target: string, option: string) {
  return ([v]: string[]): XMark => {
    const [a, b, extra] = v.split('/');
    const value = uint32(a);
    const mask = b === undefined ? 0xffffffff : uint32(b);
    if (value === null || mask === null || extra !== undefined)
      throw new OptionError(`${target}: bad integer value for option "--${option}", or out of range.`);
    return { value, mask };
  };
}

function plain(target: string, option: string) {
  return ([v]: string[]): number => {
    const n = uint32(v);
    if (n === null) throw new OptionError(`${target}: bad value for option "--${option}", or out of range (0-4294967295).`);
    return n;
  };
}

/// The mark options MARK and CONNMARK share, turned into one xor/mask pair.
export const MARK_OPS = ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'] as const;

export function markSpecs(target: string) {
  return [
    { name: 'set-xmark', parse: markMask(target, 'set-xmark'), help: 'value[/mask]: zero the bits in mask, then xor value (mask defaults to all ones).' },
    { name: 'set-mark', parse: markMask(target, 'set-mark'), help: 'value[/mask]: zero the bits in mask, then or value.' },
    { name: 'and-mark', parse: plain(target, 'and-mark'), help: 'Binary AND the mark with this value.' },
    { name: 'or-mark', parse: plain(target, 'or-mark'), help: 'Binary OR the mark with this value.' },
    { name: 'xor-mark', parse: plain(target, 'xor-mark'), help: 'Binary XOR the mark with this value.' },
  ];
}

/// Which of `names` were given, in the order of `names`; throws iptables' conflict message for two.
export function onlyOne(target: string, p: Parsed, names: readonly string[]): string | null {
  const given = names.filter((n) => p[n]);
  if (given.length > 1) throw new OptionError(`${target}: option "--${given[0]}" cannot be used together with "--${given[1]}".`);
  return given[0] ?? null;
}

export function toXMark(op: string, v: any, extraMask?: number): XMark {
  switch (op) {
    case 'set-xmark':
      return { value: v.value >>> 0, mask: (extraMask ?? v.mask) >>> 0 };
    case 'set-mark': {
      const mask = (extraMask ?? v.mask) >>> 0;
      return { value: v.value >>> 0, mask: (mask | v.value) >>> 0 };
    }
    case 'and-mark':
      return { value: 0, mask: ~v >>> 0 };
    case 'or-mark':
      return { value: v >>> 0, mask: v >>> 0 };
    default:
      return { value: v >>> 0, mask: 0 };
  }
}

export function applyXMark(mark: number, x: XMark): number {
  return ((mark & ~x.mask) ^ x.value) >>> 0;
}

/// As `iptables -L` names the operation: and, or, xor, set or xset.
export function listXMark(x: XMark): string {
  if (x.value === 0) return `and ${hex(~x.mask >>> 0)}`;
  if (x.value === x.mask) return `or ${hex(x.value)}`;
  if (x.mask === 0) return `xor ${hex(x.value)}`;
  if (x.mask === 0xffffffff) return `set ${hex(x.value)}`;
  return `xset ${hex(x.value)}/${hex(x.mask)}`;
}

/// nftables form of `<what> set ...` for an xor/mask pair.
export function xlateXMark(what: string, x: XMark): string {
  if (x.mask === 0xffffffff) return `${hex(x.value)}`;
  if (x.value === 0) return `${what} and ${hex(~x.mask >>> 0)}`;
  if (x.value === x.mask) return `${what} or ${hex(x.value)}`;
  if (x.mask === 0) return `${what} xor ${hex(x.value)}`;
  return `${what} and ${hex(~x.mask >>> 0)} xor ${hex(x.value)}`;
}

export const mark: TargetModule<XMark> = {
  kind: 'target',
  name: 'MARK',
  help: 'Set the packet mark (fwmark) used by routing rules, tc and -m mark.',
  simulated: true,
  options: markSpecs('MARK'),
  finalize(p) {
    const op = onlyOne('MARK', p, MARK_OPS);
    if (!op) throw new OptionError('MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required');
    return toXMark(op, p[op]!.value);
  },
  apply(pkt, o) {
    pkt.mark = applyXMark(pkt.mark, o);
    return 'CONTINUE';
  },
  save: (o) => `--set-xmark ${hex(o.value)}/${hex(o.mask)}`,
  list: (o) => `MARK ${listXMark(o)}`,
  // iptables-translate ends the `mark and ...` forms with a space (a double space before a comment).
  xlate: (o, ctx) => {
    if (ctx?.flavour === 'idiomatic') return { nft: `meta mark set ${xlateXMark('meta mark', o)}` };
    const x = xlateXMark('mark', o);
    return { nft: `meta mark set ${x}${ctx && x.startsWith('mark and') ? ' ' : ''}` };
  },
};
