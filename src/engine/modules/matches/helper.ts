// -m helper --helper NAME: the connection was set up by (or is expected by) this conntrack helper
// (libxt_helper): ftp, sip, tftp ... An empty name matches connections without a helper.
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { not } from '../values';

export interface HelperOptions {
  name: string;
  inv: boolean;
}

/// The kernel keeps 30 bytes with the terminating NUL: longer names are cut to 29 characters.
const NAME_MAX = 29;

/// The helper that expected this connection: xt_helper looks only at the connection's master, so the
/// control connection itself (ftp's port 21) has none; only its RELATED data connections do. An expected
/// connection carries its master's helper in `helper`. nfplay's conntrack creates no expectations yet, so
/// today every packet takes the "no master" branch, exactly as the kernel treats such packets.
function masterHelper(ct: { expected: boolean; helper: string | null } | null): string | null {
  return ct && ct.expected ? ct.helper : null;
}

export const helper: MatchModule<HelperOptions> = {
  kind: 'match',
  name: 'helper',
  help: 'Match connections handled by a conntrack helper (attach one with -j CT --helper ftp).',
  simulated: true,
  options: [{ name: 'helper', invert: true, values: ['ftp', 'sip', 'tftp', 'irc', 'h323', 'pptp', 'snmp', 'amanda', 'netbios-ns'], parse: ([v]) => v.slice(0, NAME_MAX), help: 'Helper name (ftp, sip ...); "" for any connection with a helper.' }],
  finalize(p) {
    if (!p.helper) throw new OptionError('helper: option "--helper" must be specified');
    return { name: p.helper.value, inv: p.helper.inv };
  },
  // No master, or a master without a helper: the kernel returns the inversion flag itself, so
  // `! --helper ftp` matches such packets and `--helper ftp` does not. An empty name matches any helper.
  match(_pkt, o, ctx) {
    const h = masterHelper(ctx.ct);
    if (!h) return o.inv;
    return (o.name === '' || h === o.name) !== o.inv;
  },
  explain(_pkt, o, ctx) {
    const h = masterHelper(ctx.ct);
    if (!h) return ctx.ct ? 'the connection was not expected by a helper (it has no master connection)' : 'the packet has no connection';
    return `the connection was expected by helper ${h}, which ${o.inv ? 'is' : 'is not'} ${o.name === '' ? 'any helper' : o.name}`;
  },
  // `helper` 0 is "no master, or no helper": where the inversion flag itself is the answer.
  space: (o, env) => {
    if (!env) return null;
    const s: Space = o.name === '' ? { field: 'helper', ranges: [{ min: 1, max: 0xffff }] } : { field: 'helper', ranges: [{ min: env.atom('helper', o.name), max: env.atom('helper', o.name) }] };
    return o.inv ? { not: s } : s;
  },
  save: (o) => `${not(o.inv)}--helper ${o.name === '' || /[\s"']/.test(o.name) ? `"${o.name}"` : o.name}`,
  list: (o) => `helper match ${o.inv ? '! ' : ''}"${o.name}"`,
  xlate: (o) => (o.name === ''
    ? { untranslatable: 'nftables has no "any helper" test' }
    : { nft: `ct helper ${o.inv ? '!= ' : ''}"${o.name}"` }),
};
