// What a rule's translation may need to know about the rest of the ruleset, computed once per
// translation and only when a module asks: where a match module is used, which hooks reach a chain,
// and whether a raw base chain may run after conntrack (for `ct helper set`).
import type { Hook, Rule, Ruleset, Table, TableName } from '../engine/model/ruleset';
import { HELPER_PROTOCOLS } from '../engine/modules/targets/ct';
import type { ModuleUse } from '../engine/modules/types';

/// Matches whose result depends on the connection: conntrack has not run yet at raw priority.
const CT_MATCHES = new Set(['conntrack', 'state', 'connmark', 'helper', 'connlimit']);
/// Targets that neither end the packet nor touch the connection: the same before or after conntrack.
const NEUTRAL_TARGETS = new Set(['LOG', 'NFLOG', 'MARK']);

/// nft priority of a raw base chain that must run after conntrack (-200) and before mangle (-150).
export const AFTER_CONNTRACK = -199;

/// Why a moved chain has the priority it has.
export function afterConntrackNote(chain: string): string {
  return `${chain} runs at priority ${AFTER_CONNTRACK}, after conntrack, not at raw (-300): ct helper set needs the connection, and nothing in the chain must come before conntrack`;
}

/// `-j CT --helper X` and nothing else: the rules `ct helper set` translates.
export function setsHelper(r: Rule): boolean {
  const t = r.target;
  if (t.kind !== 'module' || t.module.name !== 'CT') return false;
  const o = t.options as { helper: string | null; notrack: boolean; zone: unknown; ctevents: unknown; expevents: unknown; timeout: unknown };
  // Without -p tcp/udp the kernel refuses the rule (its translation is a comment).
  const proto = r.protoInv ? undefined : r.proto === 6 ? 'tcp' : r.proto === 17 ? 'udp' : undefined;
  return o.helper !== null && !o.notrack && !o.zone && !o.ctevents && !o.expevents && !o.timeout && !!proto && !!HELPER_PROTOCOLS[o.helper]?.includes(proto);
}

export class RulesetFacts {
  private readonly usesOf = new Map<string, ModuleUse[]>();
  private readonly hooksOf = new Map<TableName, Map<string, Hook[]>>();
  private readonly movable = new Map<string, true | string>();
  private readonly movedOf = new Map<TableName, Set<string>>();

  constructor(private readonly rs: Ruleset) {}

  uses(name: string): readonly ModuleUse[] {
    let out = this.usesOf.get(name);
    if (!out) {
      out = [];
      for (const t of this.rs.tables.values())
        for (const c of t.chains.values())
          for (const r of c.rules) for (const m of r.matches) if (m.module.name === name) out.push({ table: t.name, chain: c.name, options: m.options });
      this.usesOf.set(name, out);
    }
    return out;
  }

  hooks(table: TableName, chain: string): readonly Hook[] {
    let map = this.hooksOf.get(table);
    if (!map) {
      map = new Map();
      const t = this.rs.tables.get(table);
      if (t) for (const c of t.chains.values()) if (c.builtin) for (const name of reach(t, c.name)) push(map, name, c.name as Hook);
      this.hooksOf.set(table, map);
    }
    return map.get(chain) ?? [];
  }

  /// true when every raw base chain that reaches `chain` can run after conntrack.
  afterConntrack(table: TableName, chain: string): true | string {
    if (table !== 'raw') return 'ct helper set needs the connection: only the raw table runs before conntrack';
    for (const hook of this.hooks(table, chain)) {
      const why = this.canMove(hook);
      if (why !== true) return why;
    }
    return true;
  }

  /// Raw base chains printed at AFTER_CONNTRACK: they reach a `ct helper set` and nothing in them can tell.
  moved(table: TableName): ReadonlySet<string> {
    let out = this.movedOf.get(table);
    if (!out) {
      out = new Set();
      const t = this.rs.tables.get(table);
      if (t && table === 'raw')
        for (const c of t.chains.values())
          if (c.builtin && this.canMove(c.name as Hook) === true && reach(t, c.name).some((n) => t.chains.get(n)!.rules.some(setsHelper))) out.add(c.name);
      this.movedOf.set(table, out);
    }
    return out;
  }

  private canMove(hook: Hook): true | string {
    let why = this.movable.get(hook);
    if (why === undefined) {
      why = movable(this.rs.tables.get('raw')!, hook);
      this.movable.set(hook, why);
    }
    return why;
  }
}

function push(map: Map<string, Hook[]>, name: string, hook: Hook) {
  const l = map.get(name);
  if (!l) map.set(name, [hook]);
  else if (!l.includes(hook)) l.push(hook);
}

/// The chains a chain reaches by jumps and gotos, itself included.
function reach(t: Table, from: string): string[] {
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length) {
    const c = t.chains.get(todo.pop()!);
    if (!c) continue;
    for (const r of c.rules) {
      if (r.target.kind === 'jump' && !seen.has(r.target.chain)) {
        seen.add(r.target.chain);
        todo.push(r.target.chain);
      }
    }
  }
  return [...seen];
}

/// Whether the raw base chain `hook` behaves the same after conntrack (where `ct helper set` works) as
/// before it: no match reads the connection, nothing drops (conntrack would already have seen the packet,
/// refreshing its connection) or sets up the connection (notrack, zones, which must come first).
function movable(t: Table, hook: Hook): true | string {
  const base = t.chains.get(hook)!;
  const why = (what: string) => `ct helper set needs the connection, which conntrack creates after the raw table; raw ${hook} cannot run after conntrack instead: ${what} must come before it`;
  if (base.policy === 'DROP') return why('its DROP policy');
  for (const name of reach(t, hook)) {
    for (const r of t.chains.get(name)?.rules ?? []) {
      const at = `the rule at line ${r.span.line}`;
      const m = r.matches.find((x) => CT_MATCHES.has(x.module.name));
      if (m) return why(`${at} (-m ${m.module.name})`);
      const g = r.target;
      if (g.kind === 'verdict' && g.verdict === 'DROP') return why(`${at} (-j DROP)`);
      if (g.kind === 'module' && !NEUTRAL_TARGETS.has(g.module.name) && !setsHelper(r)) return why(`${at} (-j ${g.module.name})`);
    }
  }
  return true;
}
