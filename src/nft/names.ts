// Names and strings as nftables 1.0.6 reads them back.

/// Words nft's scanner turns into keywords: a chain called `reject` or `counter` is a syntax error, and
/// nft 1.0.6 accepts no quoted chain names (ODDITIES B14). Found by loading every chain name of the corpus,
/// and nft's statement words, with nft -c (tools/xlate/keywords.py).
const KEYWORDS = new Set(
  [
    'accept add ah all and arp bridge cgroup chain comment comp constant continue counter cpu ct day dccp',
    'define delete describe device devices dnat drop dst dup dynamic ecn element elements esp ether',
    'exists export exthdr fib flags flow flowtable flush frag fwd gc-interval goto handle hbh hook hour',
    'ibrname icmp icmpv6 igmp iif iifname iiftype import include index inet insert interval ip ip6 ipsec',
    'jhash jump limit list log map mark masquerade meta mh missing monitor netdev nftrace notrack numgen',
    'obrname offload oif oifname oiftype or osf pkttype policy position priority queue quota random',
    'redirect reject rename replace reset return rt rtclassid rule sctp secmark set size skgid skuid snat',
    'socket srh symhash synproxy table tcp th time timeout tproxy type udp udplite update vlan vmap xor',
  ].join(' ').split(' '),
);

const IDENT = /^[a-zA-Z_][a-zA-Z0-9_/\\.-]*$/;

/// Whether nft 1.0.6 reads `name` as a chain name (an identifier cannot start with a digit).
export function validChainName(name: string): boolean {
  return IDENT.test(name) && !KEYWORDS.has(name);
}

/// A chain name nft accepts for every chain of a table (the keys of `chains`), unique; the map holds
/// the renamed ones. `all`, the same chains in any order: one look at their names when every name is
/// valid, as they nearly always are (reading them in the map's order costs more, on 30k chains).
export function chainNames(chains: ReadonlyMap<string, unknown>, all?: readonly { name: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  if (all && all.length === chains.size) {
    let valid = true;
    for (let i = 0; i < all.length && valid; i++) valid = validChainName(all[i].name);
    if (valid) return out;
  }
  let taken: Set<string> | null = null;
  for (const n of chains.keys()) {
    if (validChainName(n)) continue;
    taken ??= new Set();
    const base = 'chain_' + n.replace(/[^a-zA-Z0-9_.-]/g, '_');
    let name = base;
    for (let i = 2; chains.has(name) || taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    out.set(n, name);
  }
  return out;
}

/// A string in double quotes as nft 1.0.6 reads it: it has no escapes, so a double quote becomes a
/// single one; nft refuses comments over 128 bytes.
export function nftQuote(s: string, max = Infinity): { text: string; changed: string | null } {
  let t = s.includes('"') ? s.replace(/"/g, "'") : s;
  let changed: string | null = t !== s ? 'double quotes became single quotes (nft has no escape for them)' : null;
  if (t.length * 3 > max && utf8Length(t) > max) {
    while (utf8Length(t) > max) t = t.slice(0, -1);
    changed = `cut to nft's limit of ${max} bytes`;
  }
  return { text: `"${t}"`, changed };
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
  }
  return n;
}

/// The name a set or object declared by a rule gets in its table: the same one for the same body (rules
/// sharing a hashlimit or recent list share its set), a numbered one when another body took the name.
/// `fresh` says the declaration is new and must be written.
export function declaredName(taken: Map<string, string>, kind: string, name: string, body: string): { name: string; fresh: boolean } {
  // Names follow the chain-name rules (an identifier, no keyword); others get a prefix.
  const base = validChainName(name) ? name : `${kind === 'set' ? 'set' : 'obj'}_${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}`;
  for (let i = 1; ; i++) {
    const n = i === 1 ? base : `${base}_${i}`;
    const had = taken.get(`${kind} ${n}`);
    if (had === body) return { name: n, fresh: false };
    if (had === undefined) {
      taken.set(`${kind} ${n}`, body);
      return { name: n, fresh: true };
    }
  }
}
