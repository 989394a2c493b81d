// -m devgroup: the device group of the input (--src-group) or output (--dst-group) interface
// (xt_devgroup). Scenario interfaces carry no group, so every one is in group 0 ("default"), as a fresh
// Linux interface is.
import type { MatchModule } from '../types';
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

const GROUP_OF_IFACE = 0;
const hits = (g: Group) => ((GROUP_OF_IFACE ^ g.value) & g.mask) === 0;
const show = (g: Group, named: boolean) => (named && nameOf(GROUPS, g.value, g.mask)) || (g.mask === 0xffffffff ? hex(g.value) : `${hex(g.value)}/${hex(g.mask)}`);

export const devgroup: MatchModule<DevgroupOptions> = {
  kind: 'match',
  name: 'devgroup',
  help: 'Match the device group of the input or output interface (every scenario interface is in group 0).',
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
  match: (_pkt, o) => (!o.src || hits(o.src) !== o.src.inv) && (!o.dst || hits(o.dst) !== o.dst.inv),
  explain: (_pkt, o) => `the interface is in group 0, which ${o.src && hits(o.src) !== o.src.inv ? `--dst-group ${show(o.dst!, false)}` : `--src-group ${show(o.src!, false)}`} ${o.src && hits(o.src) !== o.src.inv ? (o.dst!.inv ? 'excludes' : 'does not match') : (o.src!.inv ? 'excludes' : 'does not match')}`,
  save: (o) => [o.src && `${not(o.src.inv)}--src-group ${show(o.src, true)}`, o.dst && `${not(o.dst.inv)}--dst-group ${show(o.dst, true)}`].filter(Boolean).join(' '),
  list: (o) => [o.src && `${not(o.src.inv)}src-group ${show(o.src, false)}`, o.dst && `${not(o.dst.inv)}dst-group ${show(o.dst, false)}`].filter(Boolean).join(' '),
  // iptables-translate 1.8.9 keeps the `!=` of a negated --src-group for --dst-group too; idiomatic
  // negates each as given.
  xlate(o, ctx) {
    const one = (kw: string, g: Group, inv: boolean) => g.mask === 0xffffffff
      ? `${kw} ${inv ? '!= ' : ''}${nameOf(GROUPS, g.value, g.mask) ?? hex(g.value)}`
      : `${kw} and ${hex(g.mask)} ${inv ? '!= ' : ''}${hex(g.value)}`;
    const dstInv = !!o.dst && (o.dst.inv || (ctx?.flavour !== 'idiomatic' && !!o.src?.inv));
    return { nft: [o.src && one('iifgroup', o.src, o.src.inv), o.dst && one('oifgroup', o.dst, dstInv)].filter(Boolean).join(' ') };
  },
};
