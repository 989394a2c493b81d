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
}

/// The context modules see, pointed at each rule in turn (modules use it synchronously). One for every
/// translation: optimized code holds on to the object it was made with, and a collection that frees it
/// throws that code away (V8 --trace-deopt: "weak objects").
class RuleContext implements XlateContext {
  table: TableName = 'filter';
  chain = '';
  proto = 0;
  protoInv = false;
  env: RuleEnv = NO_ENV;
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

const SLASH = Array.from({ length: 33 }, (_, p) => `/${p}`);

function addr(kw: 'ip saddr' | 'ip daddr', c: Cidr | null, inv: boolean): string | null {
  if (!c || (c.mask === 0 && !inv)) return null;
  const p = maskToPrefix(c.mask);
  // A non-contiguous mask has no prefix form: nft compares under the mask instead.
  if (p < 0) return `${kw} & ${formatIPv4(c.mask)} ${inv ? '!=' : '=='} ${formatIPv4(c.addr)}`;
  const head = kw === 'ip saddr' ? (inv ? 'ip saddr != ' : 'ip saddr ') : inv ? 'ip daddr != ' : 'ip daddr ';
  return p === 32 ? head + formatIPv4(c.addr) : head + formatIPv4(c.addr) + SLASH[p];
}

/// No translation's environment: set between translations, so that the context keeps no ruleset alive.
const NO_ENV = {} as RuleEnv;
const CTX = new RuleContext();

/// The context lets go of a translation's environment (and through it, its ruleset).
export function endTranslation(): void {
  CTX.env = NO_ENV;
}

/// Targets after which no later rule sees the packet (the fold in fold.ts relies on it).
const TERMINAL_TARGETS = new Set(['REJECT', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP', 'QUEUE', 'NFQUEUE', 'TPROXY']);

/// Whether nft takes a comment as it is, as nearly all: no double quote, at most 128 bytes (42
/// characters are, whatever they are; more must be ASCII).
function plainComment(text: string): boolean {
  return text.length <= 42 ? !text.includes('"') : text.length <= 128 && !NOT_PLAIN.test(text);
}
const NOT_PLAIN = /["\u0080-\uffff]/;

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

/// The expressions of the rule being translated, copied at the end into an array of their number (a
/// growing array starts at 16 places).
const scratch: string[] = [];

/// Puts `v` at `i` among the first `n` strings of `a`; returns the new count.
function insertAt(a: string[], n: number, i: number, v: string): number {
  for (let j = n; j > i; j--) a[j] = a[j - 1];
  a[i] = v;
  return n + 1;
}

/// The notes with one more (a rule's first note makes the array, of the size it needs).
function withNote(notes: string[], note: string): string[] {
  if (notes === NO_NOTES) return [note];
  notes.push(note);
  return notes;
}

export function translateRule(r: Rule, env: RuleEnv): RuleXlate {
  const ctx = CTX;
  ctx.env = env;
  ctx.table = r.table;
  ctx.chain = r.chain;
  ctx.proto = r.proto;
  ctx.protoInv = r.protoInv;
  // Called once per rule of dumps of 100k rules: plain loops, and arrays only where something goes in.
  const exprs = scratch;
  let n = 0;
  let notes = NO_NOTES;
  if (r.iif) {
    const e = iface('iifname', r.iif, r.iifInv);
    if (e) exprs[n++] = e;
  }
  if (r.oif) {
    const e = iface('oifname', r.oif, r.oifInv);
    if (e) exprs[n++] = e;
  }
  if (r.fragment !== null) exprs[n++] = `ip frag-off & 0x1fff ${r.fragment ? '!= ' : ''}0`;
  const matches = r.matches;
  const protoName = r.proto !== 0 ? protocolMatchName(r.proto) : null;
  // `ip protocol` goes here, unless a match of the protocol's own module follows (-p tcp -m tcp).
  const protoAt = n;
  let ownMatch = false;
  if (r.src) {
    const s = addr('ip saddr', r.src, r.srcInv);
    if (s) exprs[n++] = s;
  }
  if (r.dst) {
    const d = addr('ip daddr', r.dst, r.dstInv);
    if (d) exprs[n++] = d;
  }

  let comment: string | null = null;
  let emptyOwn = -1;
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i];
    const mod = m.module;
    if (mod.name === 'comment') {
      const text = m.options as string;
      if (plainComment(text)) comment = `comment "${text}"`;
      else {
        const q = nftQuote(text, 128);
        if (q.changed) notes = withNote(notes, `comment ${q.changed}`);
        comment = `comment ${q.text}`;
      }
      continue;
    }
    if (mod.name === protoName) ownMatch = true;
    if (!mod.xlate) return { ok: false, reason: `no nftables translation for -m ${mod.name}` };
    const x = mod.xlate(m.options, ctx);
    if ('untranslatable' in x) return { ok: false, reason: `-m ${mod.name}: ${x.untranslatable}` };
    if (x.note) notes = withNote(notes, x.note);
    if (x.nft) exprs[n++] = x.nft;
    else if (mod.name === protoName) emptyOwn = n;
  }
  if (r.proto !== 0 && !ownMatch) n = insertAt(exprs, n, protoAt, `ip protocol ${r.protoInv ? '!= ' : ''}${nftProtocol(r.proto)}`);
  // `-p tcp -m tcp` with no option: 1.8.9 prints nothing, which drops the protocol match (ODDITIES A1);
  // 1.8.11 prints `meta l4proto tcp`, unless another expression already names the protocol.
  if (emptyOwn >= 0) {
    const own = emptyOwnMatch(protoName!);
    let named = false;
    for (let i = 0; i < n && !named; i++) named = own.names.test(exprs[i]);
    if (!named) {
      n = insertAt(exprs, n, emptyOwn, own.expr);
      notes = withNote(notes, own.note);
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
    if (name !== t.chain) notes = withNote(notes, `chain ${t.chain} renamed ${name}: nft 1.0.6 cannot read that name`);
    action = `${t.goto ? 'goto' : 'jump'} ${name}`;
    terminal = t.goto;
  } else if (t.kind === 'module') {
    if (!t.module.xlate) return { ok: false, reason: `no nftables translation for -j ${t.module.name}` };
    const x = t.module.xlate(t.options, ctx);
    if ('untranslatable' in x) return { ok: false, reason: `-j ${t.module.name}: ${x.untranslatable}` };
    action = x.nft;
    terminal = TERMINAL_TARGETS.has(t.module.name);
    if (x.note) notes = withNote(notes, x.note);
    if (x.otherwise) {
      // The second rule evaluates the matches again: only a stateless rule gives the same answer twice.
      const stateful = r.matches.find((m) => m.module.stateful);
      if (stateful) return { ok: false, reason: `-j ${t.module.name}: nft needs a second rule (${x.otherwise}) for the packets its statement lets through, and -m ${stateful.module.name} would count them twice` };
      otherwise = x.otherwise;
    }
  }
  return { ok: true, exprs: exprs.slice(0, n), action, terminal, comment, notes, otherwise };
}
