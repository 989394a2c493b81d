// Interface names as a finite field: every name and `name+` prefix the ruleset mentions splits the space of
// names into classes that no rule tells apart. One representative string per class, sorted, so that a
// prefix (`eth+`) is a contiguous run of atoms and the field is an interval set like the others.
import type { Iface, Ruleset } from '../model/ruleset';
import { ivals, subtractIvals, type Ivals } from './ivals';

export class IfaceAtoms {
  /// Sorted representatives; '' is the name a packet has where the hook has no such interface.
  readonly reps: string[];

  constructor(names: Iterable<string>, prefixes: Iterable<string>) {
    const reps = new Set<string>(['', '\u0001', 'lo']);
    for (const n of names) reps.add(n);
    // A name that starts with the prefix and is none of the named ones.
    for (const p of prefixes) reps.add(p + '\u0001');
    this.reps = [...reps].sort();
  }

  static of(rulesets: readonly Ruleset[], extra: readonly string[] = []): IfaceAtoms {
    const names = new Set(extra);
    const prefixes = new Set<string>();
    for (const rs of rulesets)
      for (const t of rs.tables.values())
        for (const c of t.chains.values())
          for (const r of c.rules)
            for (const i of [r.iif, r.oif]) if (i) (i.wildcard ? prefixes : names).add(i.name);
    return new IfaceAtoms(names, prefixes);
  }

  get size(): number {
    return this.reps.length;
  }

  /// The atoms an `-i`/`-o` clause matches (inverted when `inv`).
  match(i: Iface, inv: boolean): Ivals {
    const hit: { min: number; max: number }[] = [];
    this.reps.forEach((r, k) => {
      if (i.wildcard ? r.startsWith(i.name) : r === i.name) hit.push({ min: k, max: k });
    });
    const s = ivals(hit);
    return inv ? subtractIvals([0, this.size - 1], s) : s;
  }

  /// The atom of a concrete name.
  atom(name: string): number {
    const k = this.reps.indexOf(name);
    return k >= 0 ? k : this.reps.indexOf('\u0001');
  }

  /// A real-looking name for an atom: a class like `eth+` minus the named ones becomes `eth7`.
  name(k: number): string {
    const r = this.reps[k];
    if (r === '\u0001') return 'if9';
    if (r.endsWith('\u0001')) {
      const base = r.slice(0, -1);
      for (let n = 0; ; n++) if (!this.reps.includes(base + (n + 9))) return base + (n + 9);
    }
    return r;
  }
}
