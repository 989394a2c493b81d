// Habits that hurt in an incident: accepts open to the world on sensitive ports, `-s 0.0.0.0/0` that says
// nothing, LOG without a rate limit in front of a drop, `state` next to `conntrack`, silent DROP policies.
import type { Chain, Rule } from '../../model/ruleset';
import { D } from '../box';
import type { LintContext } from '../context';
import { finding, type Finding } from '../finding';
import type { Ivals } from '../ivals';
import { overlaps, subtractIvals } from '../ivals';
import { effectOf, LOGGING } from '../targets';
import { atoms } from '../queries';

/// Services that should not be open to the whole internet.
const SENSITIVE: [number, number, string][] = [
  [6, 22, 'SSH'], [6, 23, 'telnet'], [6, 3389, 'RDP'], [6, 5900, 'VNC'], [6, 3306, 'MySQL'], [6, 5432, 'PostgreSQL'],
  [6, 6379, 'Redis'], [6, 27017, 'MongoDB'], [6, 9200, 'Elasticsearch'], [6, 11211, 'memcached'], [17, 11211, 'memcached'],
  [6, 2375, 'the Docker API'], [6, 2379, 'etcd'], [6, 10250, 'the kubelet API'], [6, 445, 'SMB'], [17, 161, 'SNMP'],
];

export function hygiene(ctx: LintContext): Finding[] {
  return [...broadAccepts(ctx), ...anyAddress(ctx), ...logFlood(ctx), ...stateMix(ctx), ...silentDrop(ctx)];
}

function filterChains(ctx: LintContext): Chain[] {
  return [...(ctx.ruleset.tables.get('filter')?.chains.values() ?? [])];
}

function broadAccepts(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  const { alg, ifaces } = ctx;
  const net = atoms(ifaces, ['lo', ''], true);
  for (const c of filterChains(ctx)) {
    if (c.name === 'OUTPUT') continue;
    for (const r of c.rules) {
      const e = effectOf(r);
      const rf = ctx.walk.rules.get(r);
      if (e.kind !== 'decide' || e.verdict !== 'ACCEPT' || rf?.shadowedBy || rf?.neverMatches) continue;
      const open = ctx.spaces.of(r).over.filter((b) => alg.isFull(b, D.src) && overlaps(alg.get(b, D.iif) as Ivals, net)
        && overlaps(alg.get(b, D.ctstate) as Ivals, [1, 1]));
      if (!open.length) continue;
      const hits = SENSITIVE.filter(([p, port]) => open.some((b) => overlaps(alg.get(b, D.proto) as Ivals, [p, p]) && overlaps(alg.get(b, D.dport) as Ivals, [port, port])));
      const everything = open.some((b) => [D.proto, D.dport, D.dst, D.oif].every((d) => alg.isFull(b, d)) && subtractIvals(net, alg.get(b, D.iif) as Ivals).length === 0);
      const allPorts = open.some((b) => alg.isFull(b, D.proto) && alg.isFull(b, D.dport));
      if (everything && c.builtin) {
        out.push(finding(r.span, 'warning', 'open-to-world', `Accepts every new connection from any source on ${c.name}`,
          `Nothing in this rule limits the source, protocol, port or interface (beyond loopback), so every rule after it and the ${c.name} policy never apply to new traffic.`,
          'Limit it (-i lo for loopback, -s for trusted networks, --dport for services), or delete it.'));
        continue;
      }
      // Everything on some interfaces: a trusted-interface rule, not a service left open.
      if (!hits.length || allPorts) continue;
      const names = hits.map(([p, port, n]) => `${n} (${p === 17 ? 'udp' : 'tcp'}/${port})`).join(', ');
      const mgmt = ctx.intent.declared ? ctx.intent.management.filter((m) => hits.some(([p, port]) => m.proto === p && m.port === port)) : [];
      out.push(finding(r.span, 'warning', 'open-to-world', `Accepts ${names} from any source${mgmt.length ? `, though management is ${mgmt.map((m) => m.text).join(', ')}` : ''}`,
        `${names} is open to the whole internet: scanners find it within minutes, and a weak password or an unpatched service is then exposed.`,
        `Limit the source: -s ${mgmt[0]?.text ?? '<trusted network>'} (and rate-limit new connections with -m recent or hashlimit).`));
    }
  }
  return out;
}

/// The parser drops `-s 0.0.0.0/0` as iptables does (it matches everything): find it in the clause text.
function anyAddress(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  if (!ctx.text.includes('0.0.0.0/0')) return out;
  for (const t of ctx.ruleset.tables.values())
    for (const c of t.chains.values())
      for (const r of c.rules)
        for (const k of r.clauses) {
          const opt = /^(-s|--source|--src)$/.test(k.option) ? '-s' : /^(-d|--destination|--dst)$/.test(k.option) ? '-d' : null;
          if (!opt || !/\s0\.0\.0\.0\/(0|0\.0\.0\.0)$/.test(ctx.text.slice(k.span.from, k.span.to))) continue;
          out.push(finding(k.span, 'info', 'any-address', `${opt} 0.0.0.0/0 matches every address: the clause does nothing`,
            `${opt} 0.0.0.0/0 is the same as no ${opt} at all; written out, it reads like a restriction that is not there.`,
            `Delete ${opt} 0.0.0.0/0, or write the network you meant.`));
        }
  return out;
}

const RATE_LIMITS = new Set(['limit', 'hashlimit']);

function logFlood(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  const { alg } = ctx;
  for (const t of ctx.ruleset.tables.values())
    for (const c of t.chains.values())
      c.rules.forEach((r, i) => {
        if (r.target.kind !== 'module' || r.target.module.name !== 'LOG' || r.matches.some((m) => RATE_LIMITS.has(m.module.name))) return;
        const sp = ctx.spaces.of(r).over.filter((b) => alg.isFull(b, D.src));
        if (!sp.length || ctx.walk.rules.get(r)?.shadowedBy) return;
        const drop = c.rules.slice(i + 1).find((l) => {
          const e = effectOf(l);
          return e.kind === 'decide' && e.verdict !== 'ACCEPT' && ctx.spaces.of(l).over.some((b) => sp.some((s) => alg.meets(b, s)));
        });
        if (!drop && !(c.builtin && c.policy === 'DROP')) return;
        const what = drop ? ctx.ref(drop) : `the ${c.name} policy DROP`;
        out.push(finding(r.span, 'warning', 'log-no-limit', `LOG without a rate limit before ${what}`,
          'Every dropped packet from any source writes a kernel log line: a scan or a flood fills the disk and slows the host exactly when you need it.',
          '-m limit --limit 5/min --limit-burst 10 before -j LOG (or hashlimit per source).', drop ? [drop.span.line] : undefined));
      });
  return out;
}

function stateMix(ctx: LintContext): Finding[] {
  const uses = (name: string) => {
    const out: Rule[] = [];
    for (const t of ctx.ruleset.tables.values()) for (const c of t.chains.values()) for (const r of c.rules) if (r.matches.some((m) => m.module.name === name)) out.push(r);
    return out;
  };
  const state = uses('state');
  const ct = uses('conntrack');
  if (!state.length || !ct.length) return [];
  const first = state.sort((a, b) => a.span.from - b.span.from)[0];
  const m = first.matches.findIndex((x) => x.module.name === 'state');
  return [finding(first.matchSpan(m), 'info', 'state-and-conntrack', `-m state (${state.length} rule${state.length > 1 ? 's' : ''}) is mixed with -m conntrack (${ct.length})`,
    '-m state is the old alias of -m conntrack --ctstate; they behave the same, but mixing them makes rules harder to compare and grep during an incident.',
    'Write -m conntrack --ctstate everywhere.')];
}

function silentDrop(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  const filter = ctx.ruleset.tables.get('filter');
  if (!filter) return out;
  const logs = (c: Chain, seen = new Set<Chain>()): boolean => {
    if (seen.has(c)) return false;
    seen.add(c);
    return c.rules.some((r) => (r.target.kind === 'module' && LOGGING.has(r.target.module.name))
      || (r.target.kind === 'jump' && !!filter.chains.get(r.target.chain) && logs(filter.chains.get(r.target.chain)!, seen)));
  };
  for (const name of ['INPUT', 'FORWARD', 'OUTPUT']) {
    const c = filter.chains.get(name);
    if (!c || !c.registered || c.policy !== 'DROP' || logs(c)) continue;
    out.push(finding(ctx.policySpan('filter', c), 'info', 'silent-drop', `${name} drops by policy and nothing logs what it drops`,
      'When something breaks, nothing tells which packets the policy took; the counters alone say how many.',
      `Add a rate-limited LOG as the last rule: -A ${name} -m limit --limit 5/min -j LOG --log-prefix "${name} drop: "`));
  }
  return out;
}
