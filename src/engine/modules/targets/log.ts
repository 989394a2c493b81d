// -j LOG: write the packet's headers to the kernel log (libxt_LOG, nf_log_syslog). Non-terminating.
import type { Hook } from '../../model/ruleset';
import type { Packet } from '../../model/packet';
import type { MatchContext, TargetModule } from '../types';
import { OptionError } from '../types';
import { formatLogLine, frameDestination, hookDevices } from '../../sim/log-line';

/// syslog levels as --log-level names them (iptables knows neither `warn` nor `err`).
const LEVELS: Record<string, number> = {
  emerg: 0, panic: 0, alert: 1, crit: 2, error: 3, warning: 4, notice: 5, info: 6, debug: 7,
};
const NFT_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

/// The --log-* flag bits as the kernel numbers them (the `flags N` of `iptables -L`).
export const LOG_FLAGS = { 'log-tcp-sequence': 0x01, 'log-tcp-options': 0x02, 'log-ip-options': 0x04, 'log-uid': 0x08, 'log-macdecode': 0x20 } as const;
type FlagName = keyof typeof LOG_FLAGS;
const FLAG_NAMES = Object.keys(LOG_FLAGS) as FlagName[];

/// A string as iptables-save writes it (xtables_save_string): bare when it is only letters, digits, `_`
/// and `-`; otherwise double-quoted with `"`, `'` and `\` escaped by a backslash.
export function saveString(s: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(s)) return s;
  return `"${s.replace(/["'\\]/g, (c) => '\\' + c)}"`;
}

/// nft 1.0.6 reads every `$` in a log prefix as the start of a variable (`$5`: "unknown identifier '5'";
/// `$$`: '') and has no escape for it: a prefix with a `$` cannot be written.
export const DOLLAR_IN_PREFIX = 'nft 1.0.6 reads each $ in a log prefix as a variable, with no escape for it: this prefix cannot be written';

/// A prefix as nftables writes it (`log prefix "..."`).
export function nftString(s: string): string {
  return `"${s.replace(/(["\\])/g, '\\$1')}"`;
}

export interface LogOptions {
  level: number;
  prefix: string;
  flags: number;
}

export const log: TargetModule<LogOptions> = {
  kind: 'target',
  name: 'LOG',
  help: 'Write the packet headers to the kernel log, then continue with the next rule.',
  simulated: true,
  options: [
    {
      name: 'log-level', values: Object.keys(LEVELS),
      parse: ([v]) => {
        if (/^[0-7]$/.test(v)) return Number(v);
        const n = LEVELS[v.toLowerCase()];
        if (n === undefined) throw new OptionError(`log level "${v}" unknown`);
        return n;
      },
      help: 'syslog level: emerg alert crit error warning notice info debug, or 0-7 (default warning).',
    },
    {
      name: 'log-prefix',
      parse: ([v]) => {
        if (v.length === 0) throw new OptionError('Argument must have a minimum length of 1 characters');
        // The kernel's prefix field holds 29 characters; iptables cuts longer ones without a word.
        return v.slice(0, 29);
      },
      help: 'Text (up to 29 characters) written before the headers.',
    },
    { name: 'log-tcp-sequence', args: 0, help: 'Log TCP sequence numbers (SEQ= ACK=).' },
    { name: 'log-tcp-options', args: 0, help: 'Log the TCP options (OPT (...)).' },
    { name: 'log-ip-options', args: 0, help: 'Log the IP options.' },
    { name: 'log-uid', args: 0, help: 'Log the UID and GID of the local process that sent the packet.' },
    { name: 'log-macdecode', args: 0, help: 'Decode the MAC header (MACSRC= MACDST= MACPROTO=) instead of MAC=.' },
  ],
  finalize(p) {
    let flags = 0;
    for (const f of FLAG_NAMES) if (p[f]) flags |= LOG_FLAGS[f];
    return { level: p['log-level']?.value ?? 4, prefix: p['log-prefix']?.value ?? '', flags };
  },
  apply(pkt, o, ctx) {
    ctx.log(logLine(pkt, ctx.hook, ctx, o.prefix, o.flags));
    return 'CONTINUE';
  },
  save(o) {
    const out: string[] = [];
    if (o.prefix) out.push(`--log-prefix ${saveString(o.prefix)}`);
    if (o.level !== 4) out.push(`--log-level ${o.level}`);
    for (const f of FLAG_NAMES) if (o.flags & LOG_FLAGS[f]) out.push(`--${f}`);
    return out.join(' ');
  },
  list: (o) => `LOG flags ${o.flags} level ${o.level}${o.prefix ? ` prefix "${o.prefix}"` : ''}`,
  xlate(o) {
    if (o.prefix.includes('$')) return { untranslatable: DOLLAR_IN_PREFIX };
    let s = 'log';
    if (o.prefix) s += ` prefix ${nftString(o.prefix)}`;
    if (o.level !== 4) s += ` level ${NFT_LEVELS[o.level]}`;
    const flags: string[] = [];
    const tcp = [o.flags & 1 ? 'sequence' : '', o.flags & 2 ? 'options' : ''].filter(Boolean);
    if (tcp.length) flags.push(`tcp ${tcp.join(',')}`);
    if (o.flags & 4) flags.push('ip options');
    if (o.flags & 8) flags.push('skuid');
    if (o.flags & 0x20) flags.push('ether');
    if (flags.length) s += ` flags ${flags.join(' flags ')}`;
    return { nft: s };
  },
};

/// The log line for a packet at a hook, with the devices and MAC the kernel would show there.
export function logLine(pkt: Packet, hook: Hook, ctx: Pick<MatchContext, 'host'>, prefix: string, flags: number): string {
  const dev = hookDevices(hook, pkt);
  return formatLogLine(pkt, {
    prefix, ...dev,
    macDst: dev.inIface ? frameDestination(pkt, ctx.host.mac(dev.inIface)) : null,
    macSrc: dev.inIface ? pkt.macSrc ?? (dev.inIface === 'lo' ? '00:00:00:00:00:00' : null) : null,
    macDecode: (flags & LOG_FLAGS['log-macdecode']) !== 0,
    tcpSequence: (flags & LOG_FLAGS['log-tcp-sequence']) !== 0,
    tcpOptions: (flags & LOG_FLAGS['log-tcp-options']) !== 0,
    uid: (flags & LOG_FLAGS['log-uid']) !== 0,
  });
}
