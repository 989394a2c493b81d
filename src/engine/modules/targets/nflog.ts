// -j NFLOG: hand the packet to nfnetlink_log (ulogd, tcpdump -i nflog:N). Non-terminating.
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { DOLLAR_IN_PREFIX, logLine, nftString, saveString } from './log';

export interface NflogOptions {
  group: number;
  prefix: string | null;
  size: number | null;
  threshold: number | null;
}

function bounded(name: string, max: number) {
  return ([v]: string[]) => {
    if (!/^\d+$/.test(v) || Number(v) > max) throw new OptionError(`NFLOG: bad value for option "--${name}", or out of range (0-${max}).`);
    return Number(v);
  };
}

export const nflog: TargetModule<NflogOptions> = {
  kind: 'target',
  name: 'NFLOG',
  help: 'Send the packet to a netlink log group (ulogd, tcpdump -i nflog:N), then continue with the next rule.',
  simulated: true,
  options: [
    { name: 'nflog-group', parse: bounded('nflog-group', 65535), help: 'Netlink group to send to (0-65535, default 0).' },
    {
      name: 'nflog-prefix',
      parse: ([v]) => {
        if (v.length === 0) throw new OptionError('Argument must have a minimum length of 1 characters');
        return v;
      },
      help: 'Text attached to the logged packet.',
    },
    { name: 'nflog-range', parse: bounded('nflog-range', 0xffffffff), help: 'Obsolete, never worked: iptables ignores it (use --nflog-size).' },
    { name: 'nflog-size', parse: bounded('nflog-size', 0xffffffff), help: 'Bytes of the packet to copy to userspace.' },
    { name: 'nflog-threshold', parse: bounded('nflog-threshold', 65535), help: 'Packets to queue in the kernel before sending them.' },
  ],
  finalize(p) {
    if (p['nflog-range'] && p['nflog-size'])
      throw new OptionError('NFLOG: option "--nflog-range" cannot be used together with "--nflog-size".');
    return {
      group: p['nflog-group']?.value ?? 0,
      prefix: p['nflog-prefix']?.value ?? null,
      size: p['nflog-size']?.value ?? null,
      threshold: p['nflog-threshold']?.value ?? null,
    };
  },
  apply(pkt, o, ctx) {
    // What ulogd's syslog emulation writes for the packet: the kernel LOG line format.
    ctx.log(logLine(pkt, ctx.hook, ctx, o.prefix ?? '', 0));
    return 'CONTINUE';
  },
  save(o) {
    const out: string[] = [];
    if (o.prefix !== null) out.push(`--nflog-prefix ${saveString(o.prefix)}`);
    if (o.group) out.push(`--nflog-group ${o.group}`);
    if (o.size !== null) out.push(`--nflog-size ${o.size}`);
    if (o.threshold !== null) out.push(`--nflog-threshold ${o.threshold}`);
    return out.join(' ');
  },
  list(o) {
    const out: string[] = [];
    if (o.prefix !== null) out.push(`nflog-prefix ${saveString(o.prefix)}`);
    if (o.group) out.push(`nflog-group ${o.group}`);
    if (o.size !== null) out.push(`nflog-size ${o.size}`);
    if (o.threshold !== null) out.push(`nflog-threshold ${o.threshold}`);
    return out.join(' ');
  },
  xlate(o) {
    if (o.prefix?.slice(0, 63).includes('$')) return { untranslatable: DOLLAR_IN_PREFIX };
    let s = 'log';
    // The kernel keeps 63 characters of an NFLOG prefix; iptables-translate cuts it there too.
    if (o.prefix !== null) s += ` prefix ${nftString(o.prefix.slice(0, 63))}`;
    if (o.size !== null) s += ` snaplen ${o.size}`;
    if (o.threshold !== null) s += ` queue-threshold ${o.threshold}`;
    return { nft: `${s} group ${o.group}` };
  },
};
