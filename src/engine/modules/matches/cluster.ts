// -m cluster: load sharing without a load balancer (xt_cluster). Every node sees every packet; a node
// takes the connections whose hash of the original source address falls on one of its nodes. The hash is
// the kernel's jhash of the address with --cluster-hash-seed, scaled to --cluster-total-nodes; node N
// takes hash N-1. Kernel-recorded (test/kernel/cases/modules-more/cluster-*), and the numbering checked
// against nft by loading the translations by hand: `jhash ct original saddr mod 2 seed S eq 0` keeps the
// connections of node 1, iptables-translate's `eq 1` those of node 2. (nft 1.0.6 cannot list a ruleset
// holding `jhash ct original saddr`, so the recorder cannot record such twins.)
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { cUint, U32 } from '../c-number';
import { jhash2, wire } from '../../sim/jhash';

export interface ClusterOptions {
  total: number;
  /// Bit n set: this node takes hash n (--cluster-local-node N sets bit N-1).
  mask: number;
  seed: number;
  inv: boolean;
}

const hex8 = (n: number) => '0x' + (n >>> 0).toString(16).padStart(8, '0');

function uint(v: string, option: string, min: number, max: number): number {
  const n = cUint(v, U32);
  if (n === null || n < BigInt(min) || n > BigInt(max)) throw new OptionError(`cluster: bad value for option "--${option}", or out of range (${min}-${max === 0xffffffff ? 4294967295 : max}).`);
  return Number(n);
}

/// The hash the connection falls on. A connection a helper expected hashes its master's address in the
/// kernel; the model does not link the two, so it hashes its own.
export function clusterHash(src: number, o: ClusterOptions): number {
  return Math.floor((jhash2([wire(src)], o.seed) * o.total) / 0x100000000);
}

const bits = (mask: number) => Array.from({ length: 32 }, (_, i) => i).filter((i) => (mask >>> i) & 1);

export const cluster: MatchModule<ClusterOptions> = {
  kind: 'match',
  name: 'cluster',
  help: 'Match the connections this cluster node handles: a hash of the original source address modulo the node count.',
  simulated: true,
  options: [
    { name: 'cluster-total-nodes', parse: ([v]) => uint(v, 'cluster-total-nodes', 1, 32), help: 'How many nodes the cluster has (1-32).' },
    { name: 'cluster-local-node', invert: true, parse: ([v]) => uint(v, 'cluster-local-node', 1, 32), help: 'This node\'s number (1 to the node count).' },
    // iptables gives the range of --cluster-local-node in its message for a bad mask too.
    { name: 'cluster-local-nodemask', invert: true, parse: ([v]) => { const n = cUint(v, U32); if (!n) throw new OptionError('cluster: bad value for option "--cluster-local-nodemask", or out of range (1-32).'); return Number(n); }, help: 'The nodes this machine stands for, as a bit mask (bit 0 is node 1).' },
    { name: 'cluster-hash-seed', parse: ([v]) => uint(v, 'cluster-hash-seed', 0, 0xffffffff), help: 'The seed every node uses for the hash.' },
  ],
  finalize(p) {
    const node = p['cluster-local-node'], mask = p['cluster-local-nodemask'];
    if (node && mask) throw new OptionError('cluster: option "--cluster-local-node" cannot be used together with "--cluster-local-nodemask".');
    if (!node && !mask) throw new OptionError('cluster match: `--cluster-local-node\' or`--cluster-local-nodemask\' is missing');
    const total = p['cluster-total-nodes'];
    if (!total) throw new OptionError('cluster: option "--cluster-total-nodes" must be specified');
    if (!p['cluster-hash-seed']) throw new OptionError('cluster: option "--cluster-hash-seed" must be specified');
    if (node && node.value > total.value) throw new OptionError('cluster match: `--cluster-local-node\' must be <= `--cluster-total-nodes\'');
    if (mask && total.value < 32 && mask.value >= 2 ** total.value) throw new OptionError('cluster match: `--cluster-local-nodemask\' too big for `--cluster-total-nodes\'');
    return {
      total: total.value, mask: node ? 2 ** (node.value - 1) : mask!.value, seed: p['cluster-hash-seed'].value, inv: (node ?? mask)!.inv,
    };
  },
  match(pkt, o, ctx) {
    // Frames sent to the cluster's shared multicast MAC arrive as multicast: the match makes the ones
    // addressed to a unicast IP the host's own, hash or no hash.
    if (pkt.pkttype === 'multicast' && pkt.dst >>> 28 !== 14) pkt.pkttype = 'host';
    if (!ctx.ct) return false;
    return !!((o.mask >>> clusterHash(ctx.ct.orig.src, o)) & 1) !== o.inv;
  },
  explain(_pkt, o, ctx) {
    if (!ctx.ct) return 'the packet has no connection';
    const h = clusterHash(ctx.ct.orig.src, o);
    return `the connection hashes to node ${h + 1} of ${o.total}, ${((o.mask >>> h) & 1) ? 'which is' : 'not'} one of this node's`;
  },
  save: (o) => `${o.inv ? '! ' : ''}--cluster-local-nodemask ${hex8(o.mask)} --cluster-total-nodes ${o.total} --cluster-hash-seed ${hex8(o.seed)}`,
  list: (o) => `cluster ${o.inv ? '!' : ''}node_mask=${hex8(o.mask)} total_nodes=${o.total} hash_seed=${hex8(o.seed)}`,
  // nft's jhash of ct original saddr is the kernel's hash (same jhash, same scaling). iptables-translate
  // 1.8.9 compares a single node's hash with its number instead of number - 1, and drops `!`. The kernel
  // takes `meta pkttype set` in prerouting only (elsewhere nft -f fails: Operation not supported, though
  // nft -c passes it), so outside PREROUTING compat leaves it out.
  xlate(o, ctx) {
    if (ctx?.flavour === 'idiomatic')
      return { untranslatable: 'cluster rewrites pkttype only for multicast frames to a unicast address, matched or not, and hashes a related connection\'s master; nft\'s jhash and meta pkttype set host do neither' };
    const b = bits(o.mask);
    const want = b.length === 1 ? `${o.inv ? '!= ' : 'eq '}${b[0]}` : `${o.inv ? '!= ' : ''}{ ${b.join(', ')} }`;
    const prerouting = (ctx?.hooks() ?? []).every((h) => h === 'PREROUTING');
    const nft = `jhash ct original saddr mod ${o.total} seed ${hex8(o.seed)} ${want}${prerouting ? ' meta pkttype set host' : ''}`;
    const notes: string[] = [];
    if (b.length === 1) notes.push(`iptables-translate 1.8.9 compares the hash with the node number ${b[0] + 1}; node N takes hash N-1`);
    if (o.inv) notes.push('iptables-translate 1.8.9 drops the ! of the node');
    if (!prerouting) notes.push('meta pkttype set host is refused outside prerouting: multicast frames to a unicast address stay multicast');
    return notes.length ? { nft, note: notes.join('; ') } : { nft };
  },
};
