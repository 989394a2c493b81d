import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import type { Conn } from '../../../src/engine/model/conntrack';
import { clusterHash, type ClusterOptions } from '../../../src/engine/modules/matches/cluster';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

const conn = (src: string) => ({ id: 1, orig: { src: parseIPv4(src)! } } as unknown as Conn);

describe('cluster', () => {
  it('saves and lists as iptables 1.8.9 printed them (a node as its mask)', () => {
    const base = '--cluster-total-nodes 2 --cluster-local-node 1 --cluster-hash-seed 0xdeadbeef';
    expect(saved(`-m cluster ${base}`)).toBe('-m cluster --cluster-local-nodemask 0x00000001 --cluster-total-nodes 2 --cluster-hash-seed 0xdeadbeef');
    expect(listed(`-m cluster ${base}`)).toBe('cluster node_mask=0x00000001 total_nodes=2 hash_seed=0xdeadbeef');
    expect(saved('-m cluster --cluster-total-nodes 4 ! --cluster-local-nodemask 0x5 --cluster-hash-seed 1')).toBe('-m cluster ! --cluster-local-nodemask 0x00000005 --cluster-total-nodes 4 --cluster-hash-seed 0x00000001');
    expect(listed('-m cluster --cluster-total-nodes 4 ! --cluster-local-node 3 --cluster-hash-seed 0')).toBe('cluster !node_mask=0x00000004 total_nodes=4 hash_seed=0x00000000');
    expect(saved('-m cluster --cluster-total-nodes 32 --cluster-local-node 32 --cluster-hash-seed 4294967295')).toBe('-m cluster --cluster-local-nodemask 0x80000000 --cluster-total-nodes 32 --cluster-hash-seed 0xffffffff');
  });
  it('refuses bad input with iptables wording', () => {
    expect(error('-m cluster --cluster-total-nodes 4 --cluster-local-node 2')).toBe('cluster: option "--cluster-hash-seed" must be specified');
    expect(error('-m cluster --cluster-total-nodes 33 --cluster-local-node 1 --cluster-hash-seed 0')).toBe('cluster: bad value for option "--cluster-total-nodes", or out of range (1-32).');
    expect(error('-m cluster --cluster-total-nodes 2')).toBe('cluster match: `--cluster-local-node\' or`--cluster-local-nodemask\' is missing');
    expect(error('-m cluster --cluster-local-node 1')).toBe('cluster: option "--cluster-total-nodes" must be specified');
    expect(error('-m cluster --cluster-total-nodes 2 --cluster-local-node 1 --cluster-local-nodemask 1')).toBe('cluster: option "--cluster-local-node" cannot be used together with "--cluster-local-nodemask".');
    expect(error('-m cluster --cluster-total-nodes 2 --cluster-local-node 0 --cluster-hash-seed 0')).toBe('cluster: bad value for option "--cluster-local-node", or out of range (1-32).');
    expect(error('-m cluster --cluster-total-nodes 4 --cluster-local-node 5 --cluster-hash-seed 0')).toBe('cluster match: `--cluster-local-node\' must be <= `--cluster-total-nodes\'');
    expect(error('-m cluster --cluster-total-nodes 4 --cluster-local-nodemask 0x10 --cluster-hash-seed 0')).toBe('cluster match: `--cluster-local-nodemask\' too big for `--cluster-total-nodes\'');
    expect(error('-m cluster --cluster-total-nodes 2 --cluster-local-node 1 --cluster-hash-seed x')).toBe('cluster: bad value for option "--cluster-hash-seed", or out of range (0-4294967295).');
  });
  it('takes the connections whose source hashes onto its node, and makes multicast frames to a unicast address its own', () => {
    const o: ClusterOptions = { total: 2, mask: 1, seed: 0xdeadbeef, inv: false };
    // Every source lands on exactly one of the nodes.
    const hashes = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '192.0.2.77'].map((a) => clusterHash(parseIPv4(a)!, o));
    for (const h of hashes) expect([0, 1]).toContain(h);
    const node1 = matchOf<ClusterOptions>('-m cluster --cluster-total-nodes 2 --cluster-local-node 1 --cluster-hash-seed 0xdeadbeef');
    const node2 = matchOf<ClusterOptions>('-m cluster --cluster-total-nodes 2 --cluster-local-node 2 --cluster-hash-seed 0xdeadbeef');
    for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '192.0.2.77']) {
      const ctx = testContext({ ct: conn(a) });
      const p = makePacket({ src: parseIPv4(a)! });
      expect(node1.module.match(p, node1.options, ctx, undefined) !== node2.module.match(p, node2.options, ctx, undefined)).toBe(true);
    }
    const p = makePacket({ dst: parseIPv4('10.0.0.9')!, pkttype: 'multicast' });
    expect(node1.module.match(p, node1.options, testContext(), undefined)).toBe(false);
    expect(p.pkttype).toBe('host');
  });
  it('translates a single node to its hash (node - 1), with a note where iptables-translate 1.8.9 is off by one', () => {
    const x = (s: string, flavour: 'compat' | 'idiomatic' = 'compat') => { const m = matchOf<unknown>(`-m cluster ${s}`); return m.module.xlate!(m.options, { flavour, hooks: () => ['PREROUTING'] } as never); };
    expect(x('--cluster-total-nodes 2 --cluster-local-node 1 --cluster-hash-seed 0xdeadbeef')).toEqual({
      nft: 'jhash ct original saddr mod 2 seed 0xdeadbeef eq 0 meta pkttype set host',
      note: 'iptables-translate 1.8.9 compares the hash with the node number 1; node N takes hash N-1',
    });
    expect(x('--cluster-total-nodes 4 --cluster-local-nodemask 5 --cluster-hash-seed 1')).toEqual({ nft: 'jhash ct original saddr mod 4 seed 0x00000001 { 0, 2 } meta pkttype set host' });
    expect(x('--cluster-total-nodes 4 ! --cluster-local-nodemask 5 --cluster-hash-seed 1')).toEqual({ nft: 'jhash ct original saddr mod 4 seed 0x00000001 != { 0, 2 } meta pkttype set host', note: 'iptables-translate 1.8.9 drops the ! of the node' });
    expect(x('--cluster-total-nodes 2 --cluster-local-node 1 --cluster-hash-seed 0', 'idiomatic')).toHaveProperty('untranslatable');
  });
  it('leaves meta pkttype set out where the kernel refuses it: outside prerouting', () => {
    const m = matchOf<unknown>('-m cluster --cluster-total-nodes 2 --cluster-local-nodemask 3 --cluster-hash-seed 7');
    expect(m.module.xlate!(m.options, { flavour: 'compat', hooks: () => ['INPUT'] } as never)).toEqual({
      nft: 'jhash ct original saddr mod 2 seed 0x00000007 { 0, 1 }',
      note: 'meta pkttype set host is refused outside prerouting: multicast frames to a unicast address stay multicast',
    });
  });
});
