// -m owner: the user, group or socket of a locally generated packet (libxt_owner). OUTPUT and POSTROUTING.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { not, parseUint, type Range } from '../values';

export interface OwnerOptions {
  uid: { range: Range; inv: boolean } | null;
  gid: { range: Range; inv: boolean } | null;
  socket: { inv: boolean } | null;
}

function parseIds(v: string): Range {
  const [a, b] = v.split('-');
  if (!/^\d+$/.test(a) || (b !== undefined && !/^\d+$/.test(b))) throw new OptionError(`"${v}": nfplay takes numeric user and group ids (no /etc/passwd here)`);
  const min = parseUint(a), max = b === undefined ? min : parseUint(b);
  return { min, max };
}

const fmt = (r: Range) => (r.min === r.max ? String(r.min) : `${r.min}-${r.max}`);

export const owner: MatchModule<OwnerOptions> = {
  kind: 'match',
  name: 'owner',
  help: 'Match the owner of a locally generated packet: --uid-owner, --gid-owner, --socket-exists.',
  simulated: true,
  options: [
    { name: 'uid-owner', invert: true, parse: ([v]) => parseIds(v), help: 'User id or range (1000-1999).' },
    { name: 'gid-owner', invert: true, parse: ([v]) => parseIds(v), help: 'Group id or range.' },
    { name: 'socket-exists', args: 0, invert: true, help: 'The packet has a local socket.' },
  ],
  finalize(p, rule) {
    if (rule.hooks.some((h) => h !== 'OUTPUT' && h !== 'POSTROUTING')) throw new OptionError('owner match: only valid in OUTPUT and POSTROUTING');
    const u = p['uid-owner'], g = p['gid-owner'], s = p['socket-exists'];
    if (!u && !g && !s) throw new OptionError('owner match: one of --uid-owner, --gid-owner, --socket-exists is needed');
    return { uid: u ? { range: u.value, inv: u.inv } : null, gid: g ? { range: g.value, inv: g.inv } : null, socket: s ? { inv: s.inv } : null };
  },
  // Packets without a socket (the kernel's own ICMP errors and resets) have no owner: a plain clause
  // fails on them, a negated one matches (the kernel tests the socket first, then applies `!`).
  match(pkt, o) {
    const has = pkt.uid !== null;
    if (o.socket && has === o.socket.inv) return false;
    if (o.uid && (has && pkt.uid! >= o.uid.range.min && pkt.uid! <= o.uid.range.max) === o.uid.inv) return false;
    if (o.gid && (has && pkt.gid! >= o.gid.range.min && pkt.gid! <= o.gid.range.max) === o.gid.inv) return false;
    return true;
  },
  explain: (pkt, o) => (pkt.uid === null ? 'the packet has no local socket' : `uid ${pkt.uid} gid ${pkt.gid} do not match ${owner.save(o)}`),
  save(o) {
    const out: string[] = [];
    if (o.socket) out.push(`${not(o.socket.inv)}--socket-exists`);
    if (o.uid) out.push(`${not(o.uid.inv)}--uid-owner ${fmt(o.uid.range)}`);
    if (o.gid) out.push(`${not(o.gid.inv)}--gid-owner ${fmt(o.gid.range)}`);
    return out.join(' ');
  },
  list(o) {
    const out: string[] = [];
    if (o.socket) out.push(`${not(o.socket.inv)}owner socket exists`);
    if (o.uid) out.push(`${not(o.uid.inv)}owner UID match ${fmt(o.uid.range)}`);
    if (o.gid) out.push(`${not(o.gid.inv)}owner GID match ${fmt(o.gid.range)}`);
    return out.join(' ');
  },
  xlate(o) {
    const out: string[] = [];
    if (o.socket) return { untranslatable: '--socket-exists has no nftables equivalent here' };
    if (o.uid) out.push(`skuid ${o.uid.inv ? '!= ' : ''}${fmt(o.uid.range)}`);
    if (o.gid) out.push(`skgid ${o.gid.inv ? '!= ' : ''}${fmt(o.gid.range)}`);
    return { nft: out.join(' ') };
  },
};
