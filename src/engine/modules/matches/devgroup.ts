// -m devgroup: the device group of the input (--src-group) or output (--dst-group) interface
// (xt_devgroup): a scenario interface's `group` (an extension), else 0 ("default"), as a fresh Linux
// interface has. Kernel-recorded: test/kernel/cases/modules-more/devgroup-*.
import type { MatchContext, MatchModule } from '../types';
import type { Packet } from '../../model/packet';
import { OptionError } from '../types';
import { nameOf, parseValueMask } from '../c-number';
import { hex, not } from '../values';

/// /etc/iproute2/group as Debian ships it.
const GROUPS: Record<string, number> = { default: 0 };

interface Group {
  value: number;
  mask: number;
  inv: boolean;
}

export interface DevgroupOptions {
  src?: Group;
  dst?: Group;
}

const group = (v: string, option: string) => parseValueMask(v, 'devgroup', option, GROUPS);

const groupOf = (iface: string | null, ctx: MatchContext) => (iface ? ctx.host.group?.(iface) ?? 0 : 0);
const hits = (g: Group, group: number) => ((group ^ g.value) & g.mask) === 0;
/// Which of the given options fails, or null.
function failing(pkt: Packet, o: DevgroupOptions, ctx: MatchContext): { kw: string; g: Group; group: number; iface: string | null } | null {
  for (const [kw, g, iface] of [['--src-group', o.src, pkt.iif], ['--dst-group', o.dst, pkt.oif]] as const) {
    const group = groupOf(iface, ctx);
    if (g && hits(g, group) === g.inv) return { kw, g, group, iface };
  }
  return null;
}
const show = (g: Group, named: boolean) => (named && nameOf(GROUPS, g.value, g.mask)) || (g.mask === 0xffffffff ? hex(g.value) : `${hex(g.value)}/${hex(g.mask)}`);

export const devgroup: MatchModule<DevgroupOptions> = {
  kind: 'match',
  name: 'devgroup',
  help: 'Match the device group of the input or output interface (a scenario interface\'s "group", 0 by default).',
  simulated: true,
  options: [
    { name: 'src-group', invert: true, parse: ([v]) => group(v, 'src-group'), help: 'Group of the input interface, value[/mask] or a name from /etc/iproute2/group.' },
    { name: 'dst-group', invert: true, parse: ([v]) => group(v, 'dst-group'), help: 'Group of the output interface, value[/mask] or a name.' },
  ],
  finalize(p, rule) {
    if (!p['src-group'] && !p['dst-group']) throw new OptionError('devgroup match: You must specify either \'--src-group\' or \'--dst-group\'');
    if (p['src-group'] && rule.hooks.some((h) => h === 'OUTPUT' || h === 'POSTROUTING'))
      throw new OptionError('devgroup match: --src-group is only valid in PREROUTING, INPUT and FORWARD (the kernel refuses the rule: Invalid argument)');
    if (p['dst-group'] && rule.hooks.some((h) => h === 'PREROUTING' || h === 'INPUT'))
      throw new OptionError('devgroup match: --dst-group is only valid in FORWARD, OUTPUT and POSTROUTING (the kernel refuses the rule: Invalid argument)');
    const g = (x: typeof p[string]) => (x ? { ...(x.value as Group), inv: x.inv } : undefined);
    return { src: g(p['src-group']), dst: g(p['dst-group']) };
  },
  match: (pkt, o, ctx) => failing(pkt, o, ctx) === null,
  explain(pkt, o, ctx) {
    const f = failing(pkt, o, ctx);
    if (!f) return 'the device groups match';
    return `${f.iface ?? 'the interface'} is in group ${f.group}, which ${f.kw} ${show(f.g, false)} ${f.g.inv ? 'excludes' : 'does not match'}`;
  },
  save: (o) => [o.src && `${not(o.src.inv)}--src-group ${show(o.src, true)}`, o.dst && `${not(o.dst.inv)}--dst-group ${show(o.dst, true)}`].filter(Boolean).join(' '),
  list: (o) => [o.src && `${not(o.src.inv)}src-group ${show(o.src, false)}`, o.dst && `${not(o.dst.inv)}dst-group ${show(o.dst, false)}`].filter(Boolean).join(' '),
  // iptables-translate 1.8.9 keeps the `!=` of a negated --src-group for --dst-group too, so its
  // `oifgroup !=` takes the other groups: the kernel forwards with that translation what the rule drops
  // (devgroup-negated-src-with-dst, loaded both ways). Both flavours negate each option as given.
  xlate(o, ctx) {
    const one = (kw: string, g: Group) => g.mask === 0xffffffff
      ? `${kw} ${g.inv ? '!= ' : ''}${nameOf(GROUPS, g.value, g.mask) ?? hex(g.value)}`
      : `${kw} and ${hex(g.mask)} ${g.inv ? '!=' : '=='} ${hex(g.value)}`;
    const nft = [o.src && one('iifgroup', o.src), o.dst && one('oifgroup', o.dst)].filter(Boolean).join(' ');
    if (ctx?.flavour !== 'idiomatic' && o.src?.inv && o.dst && !o.dst.inv)
      return { nft, note: 'iptables-translate 1.8.9 negates --dst-group as well when --src-group is negated (`oifgroup !=`), which matches the other groups' };
    return { nft };
  },
};
