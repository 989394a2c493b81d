// -j CONNMARK: set the connection's mark, or copy marks between packet and connection (libxt_CONNMARK
// revision 1). save: ctmark = (ctmark & ~ctmask) ^ (mark & nfmask); restore: mark = (mark & ~nfmask) ^
// (ctmark & ctmask).
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { hex } from '../values';
import { MARK_OPS, applyXMark, listXMark, markSpecs, onlyOne, toXMark, xlateXMark, type XMark } from './mark';

export type ConnmarkOptions =
  | { op: 'set'; x: XMark }
  | { op: 'save' | 'restore'; nfmask: number; ctmask: number };

function mask(option: string) {
  return ([v]: string[]): number => {
    if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(v) || Number(v) > 0xffffffff)
      throw new OptionError(`CONNMARK: bad value for option "--${option}", or out of range (0-4294967295).`);
    return Number(v);
  };
}

export const connmark: TargetModule<ConnmarkOptions> = {
  kind: 'target',
  name: 'CONNMARK',
  help: "Set the connection's mark, or copy it from (--save-mark) or to (--restore-mark) the packet mark.",
  simulated: true,
  options: [
    ...markSpecs('CONNMARK'),
    { name: 'save-mark', args: 0, help: "Copy the packet mark to the connection's mark (bits in --nfmask/--ctmask)." },
    { name: 'restore-mark', args: 0, help: "Copy the connection's mark to the packet mark." },
    { name: 'nfmask', parse: mask('nfmask'), help: 'Bits of the packet mark to copy or keep.' },
    { name: 'ctmask', parse: mask('ctmask'), help: "Bits of the connection's mark to copy or keep." },
    { name: 'mask', parse: mask('mask'), help: 'Both --nfmask and --ctmask.' },
  ],
  finalize(p) {
    const op = onlyOne('CONNMARK', p, [...MARK_OPS, 'save-mark', 'restore-mark']);
    if (!op) throw new OptionError('CONNMARK target: No operation specified');
    onlyOne('CONNMARK', p, ['nfmask', 'mask']);
    onlyOne('CONNMARK', p, ['ctmask', 'mask']);
    if (op === 'save-mark' || op === 'restore-mark') {
      const both = p.mask?.value;
      return {
        op: op === 'save-mark' ? 'save' : 'restore',
        nfmask: both ?? p.nfmask?.value ?? 0xffffffff,
        ctmask: both ?? p.ctmask?.value ?? 0xffffffff,
      };
    }
    return { op: 'set', x: toXMark(op, p[op]!.value, op.startsWith('set-') ? p.mask?.value : undefined) };
  },
  apply(pkt, o, ctx) {
    const ct = ctx.ct;
    if (!ct) return 'CONTINUE';
    if (o.op === 'set') ct.mark = applyXMark(ct.mark, o.x);
    else if (o.op === 'save') ct.mark = ((ct.mark & ~o.ctmask) ^ (pkt.mark & o.nfmask)) >>> 0;
    else pkt.mark = ((pkt.mark & ~o.nfmask) ^ (ct.mark & o.ctmask)) >>> 0;
    return 'CONTINUE';
  },
  save(o) {
    if (o.op === 'set') return `--set-xmark ${hex(o.x.value)}/${hex(o.x.mask)}`;
    return `--${o.op}-mark --nfmask ${hex(o.nfmask)} --ctmask ${hex(o.ctmask)}`;
  },
  list(o) {
    if (o.op === 'set') return `CONNMARK ${listXMark(o.x)}`;
    if (o.nfmask === o.ctmask) return `CONNMARK ${o.op}${o.nfmask === 0xffffffff ? '' : ` mask ${hex(o.nfmask)}`}`;
    return o.op === 'save'
      ? `CONNMARK save nfmask ${hex(o.nfmask)} ctmask ~${hex(o.ctmask)}`
      : `CONNMARK restore ctmask ${hex(o.ctmask)} nfmask ~${hex(o.nfmask)}`;
  },
  xlate(o) {
    if (o.op === 'set') {
      const { value, mask } = o.x;
      const general = mask !== 0xffffffff && value !== 0 && value !== mask && mask !== 0;
      // iptables-translate prints `xor V and ~M`, which nft applies left to right: the same as the
      // kernel's (mark & ~M) ^ V only when V has no bit inside M.
      if (general && !(value & mask)) return { nft: `ct mark set ct mark xor ${hex(value)} and ${hex(~mask >>> 0)}` };
      const nft = `ct mark set ${xlateXMark('ct mark', o.x)}`;
      return general ? { nft, note: `iptables-translate 1.8.9 writes ct mark xor ${hex(value)} and ${hex(~mask >>> 0)}, which gives another mark (xor before and)` } : { nft };
    }
    if (o.nfmask !== o.ctmask) return { untranslatable: 'different --nfmask and --ctmask have no nftables equivalent in one statement' };
    const m = o.nfmask === 0xffffffff ? '' : ` and ${hex(o.nfmask)}`;
    return { nft: o.op === 'save' ? `ct mark set mark${m}` : `meta mark set ct mark${m}` };
  },
};
