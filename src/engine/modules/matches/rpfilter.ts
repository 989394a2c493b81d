// -m rpfilter: reverse-path filter (xt_rpfilter). Does the route back to the packet's source leave by the
// interface it came in on (--loose: by any interface)? Only raw and mangle PREROUTING may use it.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import type { Packet } from '../../model/packet';
import type { MatchContext } from '../types';

export interface RpfilterOptions {
  loose: boolean;
  validmark: boolean;
  acceptLocal: boolean;
  invert: boolean;
}

const FLAGS = [['loose', 'loose'], ['validmark', 'validmark'], ['acceptLocal', 'accept-local'], ['invert', 'invert']] as const;

/// Why the reverse path fails, or null when it holds (before --invert).
function failure(pkt: Packet, o: RpfilterOptions, ctx: MatchContext): string | null {
  // Looped-back packets pass, and a source of 0.0.0.0 to a broadcast or link-local group (DHCP) too.
  if (pkt.iif === 'lo') return null;
  if (pkt.src === 0 && (pkt.dst === 0xffffffff || pkt.dst >>> 8 === 0xe00000)) return null;
  const r = ctx.host.route?.(pkt.src);
  if (!r) return 'the host\'s routes are not known';
  // The scenario has no policy routing, so --validmark (the mark in the lookup) changes nothing.
  if (r.type === 'local') {
    if (!o.acceptLocal) return 'the source is a local address (no --accept-local)';
    // A local route leaves by the device holding the address: --accept-local still wants the input one.
    const dev = ctx.host.deviceOf?.(pkt.src) ?? null;
    return o.loose || dev === pkt.iif ? null : `the source is an address of ${dev ?? 'the host'}, not of ${pkt.iif ?? 'the input interface'}`;
  }
  if (r.type !== 'unicast' || !r.route) return `the route to the source is ${r.type}`;
  if (o.loose || r.route.dev === pkt.iif) return null;
  return `the route to the source leaves by ${r.route.dev}, not ${pkt.iif ?? 'the input interface'}`;
}

export const rpfilter: MatchModule<RpfilterOptions> = {
  kind: 'match',
  name: 'rpfilter',
  help: 'Reverse-path filter: match when the route back to the source leaves by the input interface. raw and mangle PREROUTING only.',
  simulated: true,
  options: [
    { name: 'loose', args: 0, help: 'Any route back to the source will do, whatever its interface.' },
    { name: 'validmark', args: 0, help: 'Use the packet\'s mark in the reverse lookup (policy routing).' },
    { name: 'accept-local', args: 0, help: 'A source address that is the host\'s own passes too.' },
    { name: 'invert', args: 0, help: 'Match packets that fail the check instead.' },
  ],
  finalize(p, rule) {
    if (rule.table !== 'raw' && rule.table !== 'mangle')
      throw new OptionError(`rpfilter match: only valid in the raw and mangle tables, not ${rule.table} (the kernel refuses the rule: Invalid argument)`);
    if (rule.hooks.some((h) => h !== 'PREROUTING'))
      throw new OptionError('rpfilter match: only valid in PREROUTING (the kernel refuses the rule: Invalid argument)');
    return { loose: !!p.loose, validmark: !!p.validmark, acceptLocal: !!p['accept-local'], invert: !!p.invert };
  },
  match: (pkt, o, ctx) => (failure(pkt, o, ctx) === null) !== o.invert,
  explain(pkt, o, ctx) {
    const why = failure(pkt, o, ctx);
    return why === null ? 'the reverse path is valid (--invert)' : why;
  },
  save: (o) => FLAGS.filter(([k]) => o[k]).map(([, n]) => `--${n}`).join(' '),
  list: (o) => ['rpfilter', ...FLAGS.filter(([k]) => o[k]).map(([, n]) => n)].join(' '),
  // fib's lookup with iif in the key answers 0 where xt_rpfilter fails, except for a source that is a
  // subnet broadcast address: fib gives its route's device where rpfilter wants a unicast route
  // (kernel-recorded: nft-origins/rpfilter-*broadcast-source). Idiomatic leaves those out (0.0.0.0 and
  // 255.255.255.255 are `fib saddr type broadcast` too, but looked up like any address); --invert needs
  // an "or", hence one set of the failing lookups. --accept-local without --invert would need an "or" of
  // two lookups in one rule.
  xlate(o, ctx) {
    if (o.acceptLocal && !o.invert) return { untranslatable: 'rpfilter --accept-local accepts a local source or a valid reverse path: nft has no "or" of two fib lookups in one rule' };
    const lookup = `fib saddr${o.validmark ? ' . mark' : ''}${o.loose ? '' : ' . iif'} oif`;
    const local = o.acceptLocal ? 'fib saddr type != local ' : '';
    const broadcast = '0.0.0.1-255.255.255.254 . broadcast';
    if (ctx?.flavour === 'idiomatic') {
      return {
        nft: o.invert
          ? `${local}${lookup} . ip saddr . fib saddr type { 0 . 0.0.0.0/0 . 0-255, 1-2147483647 . ${broadcast} }`
          : `${lookup} != 0 ip saddr . fib saddr type != { ${broadcast} }`,
      };
    }
    return {
      nft: `${local}${lookup} ${o.invert ? '' : '!= '}0`,
      note: `\`${lookup} ${o.invert ? '0' : '!= 0'}\` ${o.invert ? 'does not match' : 'matches'} a source that is a subnet broadcast address (fib finds its route's device), which -m rpfilter${o.invert ? ' --invert matches' : ' refuses'} (the idiomatic translation tests for it)`,
    };
  },
};
