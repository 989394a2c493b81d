// One iptables rule as nftables statements: the header (interfaces, fragment, protocol, addresses) in
// iptables-translate's order, each match's xlate, the counter, the target, the comment last.
import { formatIPv4, maskToPrefix, type Cidr } from '../engine/model/addr';
import type { Iface, Rule } from '../engine/model/ruleset';
import type { XlateContext } from '../engine/modules/types';
import { nftQuote } from './names';
import { nftProtocol, protocolMatchName } from './protocols';

export type Flavour = XlateContext['flavour'];

/// A translated rule in parts, so the compat and idiomatic writers can assemble them differently.
export interface RuleParts {
  /// Match expressions in order (header first).
  exprs: string[];
  /// The target's statement(s), null when the rule has no target (`-A X -s ...` only counts).
  action: string | null;
  /// The action ends evaluation for a matching packet (accept, drop, reject, goto, return, NAT ...).
  terminal: boolean;
  /// `comment "..."`, written last as iptables-translate does.
  comment: string | null;
  /// Why this differs from what iptables-translate 1.8.9 prints (compat marks them).
  notes: string[];
}

export type RuleXlate = ({ ok: true } & RuleParts) | { ok: false; reason: string };

export interface RuleEnv {
  flavour: Flavour;
  /// Chain names nft cannot read, renamed.
  rename: Map<string, string>;
  declare: XlateContext['declare'];
  ipset: XlateContext['ipset'];
}

/// `eth+` is `eth*`; `+` alone matches every interface. nft reads only a final `*` as a wildcard, so only
/// a literal final `*` is escaped.
function iface(kw: string, i: Iface, inv: boolean): string | null {
  if (i.wildcard && i.name === '' && !inv) return null;
  const name = i.wildcard ? `${i.name}*` : i.name.replace(/\*$/, '\\*');
  return `${kw} ${inv ? '!= ' : ''}"${name}"`;
}

function cidr(c: Cidr): string {
  const p = maskToPrefix(c.mask);
  if (p === 32) return formatIPv4(c.addr);
  // A non-contiguous mask has no prefix form: nft compares under the mask instead (callers handle it).
  return `${formatIPv4(c.addr)}/${p}`;
}

function addr(kw: string, c: Cidr | null, inv: boolean): string | null {
  if (!c || (c.mask === 0 && !inv)) return null;
  if (maskToPrefix(c.mask) < 0) return `${kw} & ${formatIPv4(c.mask)} ${inv ? '!=' : '=='} ${formatIPv4(c.addr)}`;
  return `${kw} ${inv ? '!= ' : ''}${cidr(c)}`;
}

/// Targets after which no later rule sees the packet (the fold in fold.ts relies on it).
const TERMINAL_TARGETS = new Set(['REJECT', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP', 'QUEUE', 'NFQUEUE', 'TPROXY']);

export function translateRule(r: Rule, env: RuleEnv): RuleXlate {
  const ctx: XlateContext = { flavour: env.flavour, table: r.table, proto: r.proto, protoInv: r.protoInv, declare: env.declare, ipset: env.ipset };
  const exprs: string[] = [];
  const notes: string[] = [];
  for (const e of [r.iif && iface('iifname', r.iif, r.iifInv), r.oif && iface('oifname', r.oif, r.oifInv)]) if (e) exprs.push(e);
  if (r.fragment !== null) exprs.push(`ip frag-off & 0x1fff ${r.fragment ? '!= ' : ''}0`);
  const protoName = protocolMatchName(r.proto);
  const ownMatch = r.proto !== 0 && protoName !== null && r.matches.some((m) => m.module.name === protoName);
  if (r.proto !== 0 && !ownMatch) exprs.push(`ip protocol ${r.protoInv ? '!= ' : ''}${nftProtocol(r.proto)}`);
  const s = addr('ip saddr', r.src, r.srcInv);
  if (s) exprs.push(s);
  const d = addr('ip daddr', r.dst, r.dstInv);
  if (d) exprs.push(d);

  let comment: string | null = null;
  let emptyOwn = -1;
  for (const m of r.matches) {
    if (!m.module.xlate) return { ok: false, reason: `no nftables translation for -m ${m.module.name}` };
    const x = m.module.xlate(m.options, ctx);
    if ('untranslatable' in x) return { ok: false, reason: `-m ${m.module.name}: ${x.untranslatable}` };
    if (m.module.name === 'comment') {
      const text = (m.options as { text: string }).text;
      const q = nftQuote(text, 128);
      if (q.changed) notes.push(`comment ${q.changed}`);
      comment = `comment ${q.text}`;
      continue;
    }
    if (x.note) notes.push(x.note);
    if (x.nft === '' && m.module.name === protoName) emptyOwn = exprs.length;
    if (x.nft) exprs.push(x.nft);
  }
  // `-p tcp -m tcp` with no option: 1.8.9 prints nothing, which drops the protocol match (ODDITIES A1);
  // 1.8.11 prints `meta l4proto tcp`, unless another expression already names the protocol.
  if (emptyOwn >= 0 && !exprs.some((e) => e.startsWith(`${protoName} `) || e.includes(` ${protoName} `))) {
    exprs.splice(emptyOwn, 0, `meta l4proto ${protoName}`);
    notes.push(`iptables-translate 1.8.9 prints nothing for this -m ${protoName}, which drops the protocol: the rule would match every protocol`);
  }

  const t = r.target;
  let action: string | null = null;
  let terminal = false;
  if (t.kind === 'verdict') {
    action = t.verdict.toLowerCase();
    terminal = true;
  } else if (t.kind === 'jump') {
    const name = env.rename.get(t.chain) ?? t.chain;
    if (name !== t.chain) notes.push(`chain ${t.chain} renamed ${name}: nft 1.0.6 cannot read that name`);
    action = `${t.goto ? 'goto' : 'jump'} ${name}`;
    terminal = t.goto;
  } else if (t.kind === 'module') {
    if (!t.module.xlate) return { ok: false, reason: `no nftables translation for -j ${t.module.name}` };
    const x = t.module.xlate(t.options, ctx);
    if ('untranslatable' in x) return { ok: false, reason: `-j ${t.module.name}: ${x.untranslatable}` };
    action = x.nft;
    terminal = TERMINAL_TARGETS.has(t.module.name);
    if (x.note) notes.push(x.note);
  }
  return { ok: true, exprs, action, terminal, comment, notes };
}
