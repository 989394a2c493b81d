// One iptables rule as nftables statements: the header (interfaces, fragment, protocol, addresses) in
// iptables-translate's order, each match's xlate, the counter, the target, the comment last.
import { formatIPv4, maskToPrefix, type Cidr } from '../engine/model/addr';
import type { Hook, Iface, Rule, TableName } from '../engine/model/ruleset';
import type { ModuleUse, XlateContext } from '../engine/modules/types';
import type { RulesetFacts } from './facts';
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
  /// The action of a second rule with the same matches, for what the first lets through where the
  /// iptables target decided (Xlate.otherwise), or null.
  otherwise: string | null;
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
  facts: RulesetFacts;
  /// Made by translateRule on first use.
  ctx?: RuleContext;
}

/// The context modules see, one per writer, pointed at each rule in turn (modules use it synchronously).
class RuleContext implements XlateContext {
  table: TableName = 'filter';
  chain = '';
  proto = 0;
  protoInv = false;
  constructor(private readonly env: RuleEnv) {}
  get flavour() {
    return this.env.flavour;
  }
  declare(kind: 'set' | 'ct helper', name: string, body: string): string {
    return this.env.declare(kind, name, body);
  }
  ipset(name: string) {
    return this.env.ipset(name);
  }
  uses(name: string): readonly ModuleUse[] {
    return this.env.facts.uses(name);
  }
  hooks(): readonly Hook[] {
    return this.env.facts.hooks(this.table, this.chain);
  }
  afterConntrack(): true | string {
    return this.env.facts.afterConntrack(this.table, this.chain);
  }
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

/// No notes: shared, never written to (a rule that has some gets its own array).
const NO_NOTES: string[] = [];

/// What 1.8.11 writes for `-p P -m P` with no option, per protocol name, and why (made once).
const EMPTY_OWN = new Map<string, { expr: string; note: string; names: RegExp }>();

function emptyOwnMatch(proto: string) {
  let e = EMPTY_OWN.get(proto);
  if (!e) {
    e = {
      expr: `meta l4proto ${proto}`,
      note: `iptables-translate 1.8.9 prints nothing for this -m ${proto}, which drops the protocol: the rule would match every protocol`,
      names: new RegExp(`(?:^| )${proto.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `),
    };
    EMPTY_OWN.set(proto, e);
  }
  return e;
}

export function translateRule(r: Rule, env: RuleEnv): RuleXlate {
  const ctx = (env.ctx ??= new RuleContext(env));
  ctx.table = r.table;
  ctx.chain = r.chain;
  ctx.proto = r.proto;
  ctx.protoInv = r.protoInv;
  // Called once per rule of dumps of 100k rules: plain loops, and arrays only where something goes in.
  const exprs: string[] = [];
  let notes = NO_NOTES;
  if (r.iif) {
    const e = iface('iifname', r.iif, r.iifInv);
    if (e) exprs.push(e);
  }
  if (r.oif) {
    const e = iface('oifname', r.oif, r.oifInv);
    if (e) exprs.push(e);
  }
  if (r.fragment !== null) exprs.push(`ip frag-off & 0x1fff ${r.fragment ? '!= ' : ''}0`);
  const matches = r.matches;
  const protoName = r.proto !== 0 ? protocolMatchName(r.proto) : null;
  if (r.proto !== 0) {
    let ownMatch = false;
    if (protoName !== null) for (let i = 0; i < matches.length && !ownMatch; i++) ownMatch = matches[i].module.name === protoName;
    if (!ownMatch) exprs.push(`ip protocol ${r.protoInv ? '!= ' : ''}${nftProtocol(r.proto)}`);
  }
  if (r.src) {
    const s = addr('ip saddr', r.src, r.srcInv);
    if (s) exprs.push(s);
  }
  if (r.dst) {
    const d = addr('ip daddr', r.dst, r.dstInv);
    if (d) exprs.push(d);
  }

  let comment: string | null = null;
  let emptyOwn = -1;
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i];
    const mod = m.module;
    if (mod.name === 'comment') {
      const q = nftQuote((m.options as { text: string }).text, 128);
      if (q.changed) (notes === NO_NOTES ? (notes = []) : notes).push(`comment ${q.changed}`);
      comment = `comment ${q.text}`;
      continue;
    }
    if (!mod.xlate) return { ok: false, reason: `no nftables translation for -m ${mod.name}` };
    const x = mod.xlate(m.options, ctx);
    if ('untranslatable' in x) return { ok: false, reason: `-m ${mod.name}: ${x.untranslatable}` };
    if (x.note) (notes === NO_NOTES ? (notes = []) : notes).push(x.note);
    if (x.nft) exprs.push(x.nft);
    else if (mod.name === protoName) emptyOwn = exprs.length;
  }
  // `-p tcp -m tcp` with no option: 1.8.9 prints nothing, which drops the protocol match (ODDITIES A1);
  // 1.8.11 prints `meta l4proto tcp`, unless another expression already names the protocol.
  if (emptyOwn >= 0) {
    const own = emptyOwnMatch(protoName!);
    let named = false;
    for (let i = 0; i < exprs.length && !named; i++) named = own.names.test(exprs[i]);
    if (!named) {
      exprs.splice(emptyOwn, 0, own.expr);
      (notes === NO_NOTES ? (notes = []) : notes).push(own.note);
    }
  }

  const t = r.target;
  let action: string | null = null;
  let otherwise: string | null = null;
  let terminal = false;
  if (t.kind === 'verdict') {
    action = t.verdict.toLowerCase();
    terminal = true;
  } else if (t.kind === 'jump') {
    const name = env.rename.get(t.chain) ?? t.chain;
    if (name !== t.chain) (notes === NO_NOTES ? (notes = []) : notes).push(`chain ${t.chain} renamed ${name}: nft 1.0.6 cannot read that name`);
    action = `${t.goto ? 'goto' : 'jump'} ${name}`;
    terminal = t.goto;
  } else if (t.kind === 'module') {
    if (!t.module.xlate) return { ok: false, reason: `no nftables translation for -j ${t.module.name}` };
    const x = t.module.xlate(t.options, ctx);
    if ('untranslatable' in x) return { ok: false, reason: `-j ${t.module.name}: ${x.untranslatable}` };
    action = x.nft;
    terminal = TERMINAL_TARGETS.has(t.module.name);
    if (x.note) (notes === NO_NOTES ? (notes = []) : notes).push(x.note);
    if (x.otherwise) {
      // The second rule evaluates the matches again: only a stateless rule gives the same answer twice.
      const stateful = r.matches.find((m) => m.module.stateful);
      if (stateful) return { ok: false, reason: `-j ${t.module.name}: nft needs a second rule (${x.otherwise}) for the packets its statement lets through, and -m ${stateful.module.name} would count them twice` };
      otherwise = x.otherwise;
    }
  }
  return { ok: true, exprs, action, terminal, comment, notes, otherwise };
}
