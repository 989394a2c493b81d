// A MatchContext for unit tests of a single module: a host with the given local addresses, no sets,
// no connection. Simulation tests use the real one from the simulator.
import type { MatchContext, NatRequest, RejectWith } from '../../src/engine/modules/types';
import type { Conn } from '../../src/engine/model/conntrack';
import { parseIPv4 } from '../../src/engine/model/addr';

export interface TestContext extends MatchContext {
  logs: string[];
  rejects: RejectWith[];
  nats: NatRequest[];
  notracked: boolean;
}

export function testContext(over: Partial<MatchContext> & { local?: string[]; conns?: Conn[] } = {}): TestContext {
  const local = new Set((over.local ?? ['10.0.0.1']).map((a) => parseIPv4(a)!));
  const shared = new Map<string, unknown>();
  let seed = 1;
  const ctx: TestContext = {
    hook: 'INPUT', table: 'filter', now: 0, ctState: 'NEW', ctDir: 'ORIGINAL', ct: null,
    connections: () => over.conns ?? [],
    host: {
      addrType: (a) => (local.has(a) || a >>> 24 === 127 ? 'LOCAL' : a >>> 28 === 14 ? 'MULTICAST' : a === 0xffffffff ? 'BROADCAST' : 'UNICAST'),
      primaryAddress: () => [...local][0] ?? null,
      mac: () => '02:00:00:00:00:01',
    },
    sets: { test: () => undefined, has: () => false },
    shared: <T,>(key: string, init: () => T) => {
      if (!shared.has(key)) shared.set(key, init());
      return shared.get(key) as T;
    },
    random: () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646,
    logs: [], rejects: [], nats: [], notracked: false,
    log(line) { ctx.logs.push(line); },
    reject(kind) { ctx.rejects.push(kind); },
    notrack() { ctx.notracked = true; },
    setCtZone() {},
    setCtHelper() {},
    nat(req) { ctx.nats.push(req); },
    ...over,
  };
  return ctx;
}
