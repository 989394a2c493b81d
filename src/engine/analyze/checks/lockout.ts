// Lockout: no path for the management traffic (SSH by default, or what the scenario's "analysis" names)
// into the host, or for its replies out of it. The classic: `-I INPUT ... -j DROP` inserted above the ACCEPT
// that carried SSH.
import type { Rule } from '../../model/ruleset';
import { protocolName } from '../../modules/protocols';
import type { LintContext } from '../context';
import { finding, type Finding } from '../finding';
import type { Outcome } from '../flow';
import type { Flow } from '../intent';
import { denied, newConnection, replies } from '../queries';
import { D } from '../box';
import { formatAddrs } from '../describe';
import { ivals, type Ivals } from '../ivals';

export function flowName(f: Flow): string {
  const proto = protocolName(f.proto) ?? String(f.proto);
  return f.port === 22 && f.proto === 6 ? 'SSH (tcp/22)' : `${proto}/${f.port}`;
}

/// "line 9 (...) drops it" or "the INPUT policy DROP drops it".
export function deciders(ctx: LintContext, outs: Outcome[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const o of outs) {
    const s = o.rule ? `${ctx.ref(o.rule)} ${o.verdict === 'REJECT' ? 'rejects' : 'drops'} it` : `the ${o.chain.name} policy ${o.verdict} drops it`;
    if (!seen.has(s)) parts.push(s);
    seen.add(s);
  }
  return parts.length > 3 ? `${parts.slice(0, 3).join('; ')}; and ${parts.length - 3} more` : parts.join('; ');
}

export function lockout(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  const { alg, ifaces, flows } = ctx;
  for (const m of ctx.intent.management) {
    const src = [m.addr.min, m.addr.max];
    const name = flowName(m);
    const from = m.text === 'anywhere' ? 'from any source' : `from ${m.text}`;
    // To the host itself: its own addresses when the scenario says which (an addrtype LOCAL rule then counts).
    const q = newConnection(ifaces, 'in', { src, dst: ctx.local, proto: m.proto, dport: [m.port, m.port] });
    const pre = flows.hook('PREROUTING', { under: [q], over: [q] }, ['raw', 'mangle']);
    const input = flows.hook('INPUT', pre.accepted, ['mangle', 'filter', 'security']);
    const drops = denied([...pre.outcomes, ...input.outcomes]);
    if (!input.accepted.over.length && drops.length) {
      const first = drops.find((o) => o.rule) ?? drops[0];
      const span = first.rule ? first.rule.span : ctx.policySpan(first.table, first.chain);
      const carried = first.rule ? carrier(ctx, first.rule, q) : null;
      const cause = !carried ? deciders(ctx, drops)
        : `${ctx.ref(first.rule!)} drops it${ctx.inserted(first.rule!) ? ', inserted with -I' : ''} above ${ctx.ref(carried)}, the ACCEPT that carried it`
          + (drops.length > 1 ? `; ${deciders(ctx, drops.filter((o) => o !== first))}` : '');
      out.push(finding(span, 'error', 'lockout', `No accepted path for ${name} ${from}: ${cause}`,
        `A new ${name} connection ${from} can never be accepted into the host${m.text === 'anywhere' && !ctx.intent.declared ? ' (no management source is declared, so any source counts)' : ''}. Applied on a remote host, this change cuts the session that applies it.`,
        carried ? `Move ${ctx.ref(carried)} above line ${first.rule!.span.line}, or narrow line ${first.rule!.span.line} so it leaves the management traffic; apply changes with a rollback timer.`
          : `Add an ACCEPT for ${name} from ${ctx.intent.declared ? m.text : 'your management network'} before the rules that drop it, and apply changes with a rollback timer.`,
        // The other rules involved: the ACCEPT that carried it, and the other drops (not this line again).
        [...new Set([...(carried ? [carried.span.line] : []), ...drops.flatMap((o) => (o.rule ? [o.rule.span.line] : []))])].filter((l) => l !== span.line)));
      continue;
    }
    if (ctx.intent.declared && input.accepted.over.length) {
      const missed = alg.subtractAll([q], input.accepted.over);
      if (missed.length) {
        const part = ivals(missed.flatMap((b) => pairs(alg.get(b, D.src) as Ivals)));
        out.push(finding(span0(ctx, drops), 'warning', 'lockout', `Part of the management range has no path for ${name}: ${formatAddrs(part)} is dropped (${deciders(ctx, drops)})`,
          `The scenario names ${m.text} as a management source, but new ${name} connections from part of it are never accepted.`,
          `Widen the ACCEPT for ${name} to ${m.text}.`));
      }
    }
    // The replies: SSH's answers leave through OUTPUT, as ESTABLISHED.
    const back = replies(ifaces, 'out', { src: ctx.local, dst: src, sport: [m.port, m.port], proto: m.proto });
    const output = flows.hook('OUTPUT', { under: back, over: back }, ['raw', 'mangle', 'filter', 'security']);
    const odrops = denied(output.outcomes);
    if (!output.accepted.over.length && odrops.length) {
      const first = odrops.find((o) => o.rule) ?? odrops[0];
      out.push(finding(first.rule ? first.rule.span : ctx.policySpan(first.table, first.chain), 'error', 'lockout',
        `Replies of ${name} ${m.text === 'anywhere' ? 'sessions' : `to ${m.text}`} cannot leave: ${deciders(ctx, odrops)}`,
        `The host's answers on port ${m.port} go out through OUTPUT as ESTABLISHED packets to the client's port; they are all dropped, so ${name} connections hang even though INPUT accepts them.`,
        'Accept established traffic first in OUTPUT: -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT.',
        odrops.flatMap((o) => (o.rule ? [o.rule.span.line] : []))));
    }
  }
  return out;
}

function pairs(s: Ivals): { min: number; max: number }[] {
  const out: { min: number; max: number }[] = [];
  for (let i = 0; i < s.length; i += 2) out.push({ min: s[i], max: s[i + 1] });
  return out;
}

function span0(ctx: LintContext, drops: Outcome[]) {
  const first = drops.find((o) => o.rule) ?? drops[0];
  if (!first) return ctx.policySpan('filter', ctx.ruleset.tables.get('filter')!.chains.get('INPUT')!);
  return first.rule ? first.rule.span : ctx.policySpan(first.table, first.chain);
}

/// A later ACCEPT in the dropping rule's chain that would have taken the packets (what `-I` went above).
function carrier(ctx: LintContext, drop: Rule, q: ReturnType<typeof newConnection>): Rule | null {
  const chain = ctx.chainOf(drop);
  const i = chain.rules.indexOf(drop);
  for (const r of chain.rules.slice(i + 1)) {
    const t = r.target;
    if (t.kind === 'verdict' && t.verdict === 'ACCEPT' && ctx.spaces.of(r).over.some((b) => ctx.alg.meets(b, q))) return r;
  }
  return null;
}
