// -m owner: the user, group or socket of a locally generated packet (libxt_owner). OUTPUT and POSTROUTING.
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { not, type Range } from '../values';

export interface OwnerOptions {
  uid: { range: Range; inv: boolean } | null;
  /// suppl: --suppl-groups, the group may also be one of the process's supplementary groups.
  gid: { range: Range; inv: boolean; suppl: boolean } | null;
  socket: { inv: boolean } | null;
}

/// An id, a range a-b, or a name: nfplay has no user database, so only root (0) resolves. Ids stop at
/// 4294967294 (-1 means "none" to the kernel).
function parseIds(option: string, v: string): Range {
  const bad = (extra = '') => new OptionError(`owner: Bad value for "--${option}" option: "${v}"${extra}`);
  if (v === 'root') return { min: 0, max: 0 };
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  if (!m) throw bad(/^[a-z_][\w.-]*$/i.test(v) ? ' (nfplay knows no user or group names but root: write the number)' : '');
  const min = Number(m[1]), max = m[2] === undefined ? min : Number(m[2]);
  if (min > 0xfffffffe || max > 0xfffffffe) throw bad();
  return { min, max };
}

const fmt = (r: Range) => (r.min === r.max ? String(r.min) : `${r.min}-${r.max}`);

export const owner: MatchModule<OwnerOptions> = {
  kind: 'match',
  name: 'owner',
  help: 'Match the owner of a locally generated packet: --uid-owner, --gid-owner, --socket-exists.',
  simulated: true,
  options: [
    { name: 'uid-owner', invert: true, parse: ([v]) => parseIds('uid-owner', v), help: 'User id or range (1000-1999).' },
    { name: 'gid-owner', invert: true, parse: ([v]) => parseIds('gid-owner', v), help: 'Group id or range.' },
    { name: 'suppl-groups', args: 0, help: "With --gid-owner: the group may also be one of the process's supplementary groups." },
    { name: 'socket-exists', args: 0, invert: true, help: 'The packet has a local socket.' },
  ],
  finalize(p, rule) {
    if (rule.hooks.some((h) => h !== 'OUTPUT' && h !== 'POSTROUTING')) throw new OptionError('owner match: only valid in OUTPUT and POSTROUTING (the kernel refuses the rule: Invalid argument)');
    const u = p['uid-owner'], g = p['gid-owner'], s = p['socket-exists'];
    if (p['suppl-groups'] && !g) throw new OptionError('owner: Bad value for "--suppl-groups" option: "you need to use --gid-owner first"');
    if (!u && !g && !s) throw new OptionError('owner: At least one of --uid-owner, --gid-owner or --socket-exists is required');
    for (const [k, o] of [['uid-owner', u], ['gid-owner', g]] as const)
      if (o && o.value.min > o.value.max) throw new OptionError(`--${k} ${fmt(o.value)} is a reversed range: the kernel refuses the rule (Invalid argument)`);
    return {
      uid: u ? { range: u.value, inv: u.inv } : null,
      gid: g ? { range: g.value, inv: g.inv, suppl: !!p['suppl-groups'] } : null,
      socket: s ? { inv: s.inv } : null,
    };
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
    if (o.gid) out.push(`${not(o.gid.inv)}--gid-owner ${fmt(o.gid.range)}${o.gid.suppl ? ' --suppl-groups' : ''}`);
    return out.join(' ');
  },
  list(o) {
    const out: string[] = [];
    if (o.socket) out.push(`${not(o.socket.inv)}owner socket exists`);
    if (o.uid) out.push(`${not(o.uid.inv)}owner UID match ${fmt(o.uid.range)}`);
    if (o.gid) out.push(`${not(o.gid.inv)}owner GID match ${fmt(o.gid.range)}${o.gid.suppl ? ' incl. suppl. groups' : ''}`);
    return out.join(' ');
  },
  xlate(o, ctx) {
    const out: string[] = [];
    // xt_owner's negation also holds for a packet with no socket (forwarded, or the host's own REJECT reply);
    // nft's skuid/skgid never match those, so the idiomatic output would change fates.
    if (ctx?.flavour === 'idiomatic' && (o.uid?.inv || o.gid?.inv))
      return { untranslatable: 'a negated --uid-owner/--gid-owner also matches packets without a socket (forwarded ones, REJECT replies); nft\'s meta skuid/skgid never match those' };
    if (o.socket) return { untranslatable: '--socket-exists has no nftables equivalent here' };
    if (o.gid?.suppl) return { untranslatable: 'nftables cannot match supplementary groups (--suppl-groups)' };
    if (o.uid) out.push(`skuid ${o.uid.inv ? '!= ' : ''}${fmt(o.uid.range)}`);
    if (o.gid) out.push(`skgid ${o.gid.inv ? '!= ' : ''}${fmt(o.gid.range)}`);
    return { nft: out.join(' ') };
  },
};
