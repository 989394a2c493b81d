// Every module, by the name rules use. Names go into shared URLs: they never change.
// Adding a module is one file and one line here; test/engine/registry.test.ts fails if a file is not listed.
import type { MatchModule, TargetModule } from './types';
import { tcp } from './matches/tcp';

export const MATCHES: readonly MatchModule[] = [tcp];

export const TARGETS: readonly TargetModule[] = [];

const matchByName = new Map<string, MatchModule>();
for (const m of MATCHES) matchByName.set(m.name, m);
const targetByName = new Map<string, TargetModule>();
for (const t of TARGETS) targetByName.set(t.name, t);

/// Match modules by `-m` name (aliases such as `-m udplite` map to their module).
export function findMatch(name: string): MatchModule | undefined {
  return matchByName.get(name.toLowerCase());
}

/// Target modules by `-j` name (case-sensitive as iptables: `-j log` is a chain, not LOG).
export function findTarget(name: string): TargetModule | undefined {
  return targetByName.get(name);
}
