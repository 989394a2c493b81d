// -j ULOG: the IPv4 netlink logger removed from Linux 3.17 (use NFLOG). Kept so old rulesets load.
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { saveString } from './log';

export interface UlogOptions {
  nlgroup: number;
  prefix: string | null;
  cprange: number;
  qthreshold: number;
}

function num(name: string, min: number, max: number) {
  return ([v]: string[]) => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new OptionError(`ULOG: bad value for option "--${name}", or out of range (${min}-${max}).`);
    return Number(v);
  };
}

export const ulog: TargetModule<UlogOptions> = {
  kind: 'target',
  name: 'ULOG',
  help: 'Obsolete netlink logging (removed from Linux in 3.17): use NFLOG.',
  simulated: 'the kernel no longer has ULOG: iptables 1.8.9 refuses the rule ("Extension ULOG revision 0 not supported, missing kernel module?"); nfplay parses it and logs nothing',
  options: [
    { name: 'ulog-nlgroup', parse: num('ulog-nlgroup', 1, 32), help: 'Netlink group 1-32 (default 1).' },
    { name: 'ulog-prefix', parse: ([v]) => v.slice(0, 31), help: 'Text attached to the logged packet.' },
    { name: 'ulog-cprange', parse: num('ulog-cprange', 0, 0xffffffff), help: 'Bytes of the packet to copy.' },
    { name: 'ulog-qthreshold', parse: num('ulog-qthreshold', 1, 50), help: 'Packets to queue before sending.' },
  ],
  finalize: (p) => ({
    nlgroup: p['ulog-nlgroup']?.value ?? 1,
    prefix: p['ulog-prefix']?.value ?? null,
    cprange: p['ulog-cprange']?.value ?? 0,
    qthreshold: p['ulog-qthreshold']?.value ?? 1,
  }),
  apply: () => 'CONTINUE',
  save(o) {
    const out: string[] = [];
    if (o.nlgroup !== 1) out.push(`--ulog-nlgroup ${o.nlgroup}`);
    if (o.prefix !== null) out.push(`--ulog-prefix ${saveString(o.prefix)}`);
    if (o.cprange) out.push(`--ulog-cprange ${o.cprange}`);
    if (o.qthreshold !== 1) out.push(`--ulog-qthreshold ${o.qthreshold}`);
    return out.join(' ');
  },
  list(o) {
    return `ULOG copy_range ${o.cprange} nlgroup ${o.nlgroup}${o.prefix !== null ? ` prefix ${saveString(o.prefix)}` : ''} queue_threshold ${o.qthreshold}`;
  },
  // `log group N` is NFLOG: another netlink family and group numbering, so not the same rule.
  xlate: () => ({ untranslatable: 'ULOG (removed in Linux 3.17) has no nftables equivalent; NFLOG (log group N) replaces it for ulogd2' }),
};
