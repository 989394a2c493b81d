// No ESTABLISHED,RELATED accept before a deny: replies of connections the host (or the hosts behind it)
// opened are dropped. Checked where the chain is used: INPUT and OUTPUT always, FORWARD when it accepts
// something. Only a deny that takes replies from any address counts: a blocklist is deliberate.
import type { Hook } from '../../model/ruleset';
import { D } from '../box';
import { ivals, ivalsSize, type Ivals } from '../ivals';
import type { LintContext } from '../context';
import { finding, type Finding } from '../finding';
import type { Outcome } from '../flow';
import { effectOf } from '../targets';
import { denied, EPHEMERAL, newConnection, relatedIcmp, replies, type Direction } from '../queries';

const DIRECTION: Record<string, Direction> = { INPUT: 'in', OUTPUT: 'out', FORWARD: 'through' };

export function established(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  const filter = ctx.ruleset.tables.get('filter');
  if (!filter) return out;
  const { alg, ifaces } = ctx;
  for (const hook of ['INPUT', 'OUTPUT', 'FORWARD'] as Hook[]) {
    const chain = filter.chains.get(hook);
    if (!chain || !chain.registered) continue;
    // FORWARD counts as used when something in it may accept (an ACCEPT, or a jump to rules that might).
    if (hook === 'FORWARD' && !chain.rules.some((r) => {
      const e = effectOf(r);
      return e.kind === 'jump' || (e.kind === 'decide' && e.verdict === 'ACCEPT');
    })) continue;
    const dir = DIRECTION[hook];
    // Replies answer what the other direction lets open: for INPUT, the ports OUTPUT accepts new
    // connections to; for OUTPUT, the ports INPUT accepts them on. A strict host that opens only DNS and
    // HTTPS needs only their replies.
    const est = hook === 'FORWARD' ? replies(ifaces, dir) : [6, 17].flatMap((proto) => {
      const q = newConnection(ifaces, hook === 'INPUT' ? 'out' : 'in', { proto, sport: [EPHEMERAL.min, EPHEMERAL.max] });
      const opened = ctx.flows.chain('filter', hook === 'INPUT' ? 'OUTPUT' : 'INPUT', { under: [q], over: [q] }).accepted.over;
      const ports = ivals(opened.flatMap((b) => pairs(alg.get(b, D.dport) as Ivals)));
      return ports.length ? replies(ifaces, dir, { proto, sport: ports }) : [];
    });
    if (!est.length) continue;
    const rel = [relatedIcmp(ifaces, dir)];
    // Most of the address space on both sides: a policy or a port rule, not a blocklist entry.
    const wide = (s: Ivals) => ivalsSize(s) >= 2 ** 31;
    const broad = (o: Outcome) => o.over.some((b) => wide(alg.get(b, D.src) as Ivals) && wide(alg.get(b, D.dst) as Ivals));
    const estDrops = denied(ctx.flows.chain('filter', hook, { under: est, over: est }).outcomes).filter(broad);
    const relDrops = denied(ctx.flows.chain('filter', hook, { under: rel, over: rel }).outcomes).filter(broad);
    const first = estDrops[0] ?? relDrops[0];
    if (!first) continue;
    const what = estDrops.length && relDrops.length ? 'ESTABLISHED replies and RELATED ICMP errors' : estDrops.length ? 'ESTABLISHED replies' : 'RELATED ICMP errors';
    const by = first.rule ? ctx.ref(first.rule) : `the ${hook} policy DROP`;
    const whose = hook === 'INPUT' ? "replies to the host's own connections (DNS, package updates, API calls)" : hook === 'OUTPUT' ? "the host's replies to connections it accepted" : 'replies to connections the host forwards';
    out.push(finding(first.rule ? first.rule.span : ctx.policySpan('filter', chain), estDrops.length ? 'error' : 'warning', 'no-established',
      `No ESTABLISHED,RELATED accept before ${first.rule ? 'this deny' : 'the default deny'} on ${hook}: ${by} drops ${what}`,
      `${what[0].toUpperCase()}${what.slice(1)} reach ${hook} from any address to ephemeral ports (${'32768-60999'}); nothing accepts them before ${by}, so ${whose} are dropped${relDrops.length ? ', and path-MTU discovery breaks' : ''}.`,
      `Add at the top of ${hook}: -A ${hook} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`));
  }
  return out;
}

function pairs(s: Ivals): { min: number; max: number }[] {
  const out: { min: number; max: number }[] = [];
  for (let i = 0; i < s.length; i += 2) out.push({ min: s[i], max: s[i + 1] });
  return out;
}
