// Egress the scenario lists as needed ("analysis": {"egress": [...]}) that OUTPUT drops, or whose replies
// INPUT drops: the payment gateway on 8443 behind `-A OUTPUT -p tcp --dport 1024:65535 -j DROP`.
import type { LintContext } from '../context';
import { finding, type Finding } from '../finding';
import { denied, newConnection, replies } from '../queries';
import { deciders, flowName } from './lockout';

export function egress(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  const { ifaces, flows } = ctx;
  for (const e of ctx.intent.egress) {
    const dst = [e.addr.min, e.addr.max];
    const name = `${flowName(e)} to ${e.text}`;
    const q = newConnection(ifaces, 'out', { dst, proto: e.proto, dport: [e.port, e.port] });
    const o = flows.hook('OUTPUT', { under: [q], over: [q] }, ['raw', 'mangle', 'nat', 'filter', 'security']);
    const drops = denied(o.outcomes);
    const at = (d: typeof drops) => {
      const first = d.find((x) => x.rule) ?? d[0];
      return first.rule ? first.rule.span : ctx.policySpan(first.table, first.chain);
    };
    if (drops.length && !o.accepted.over.length) {
      out.push(finding(at(drops), 'error', 'egress-blocked', `Needed egress ${name} is dropped: ${deciders(ctx, drops)}`,
        `The scenario lists ${name} as traffic the host must be able to open; every new connection to it is dropped in OUTPUT.`,
        `Accept it before the deny: -A OUTPUT -d ${e.text === 'anywhere' ? '0.0.0.0/0' : e.text} -p ${e.proto === 17 ? 'udp' : 'tcp'} --dport ${e.port} -j ACCEPT (or accept by state: NEW to the listed services, ESTABLISHED,RELATED for the rest).`,
        drops.flatMap((x) => (x.rule ? [x.rule.span.line] : []))));
      continue;
    }
    if (drops.length && ctx.alg.subtractAll([q], o.accepted.over).length) {
      out.push(finding(at(drops), 'warning', 'egress-blocked', `Needed egress ${name} is dropped for part of it: ${deciders(ctx, drops)}`,
        `Some new connections to ${name} (by source port, interface or address) are dropped in OUTPUT.`, 'Accept the whole flow before the deny.'));
      continue;
    }
    const back = replies(ifaces, 'in', { src: dst, sport: [e.port, e.port], proto: e.proto });
    const i = flows.hook('INPUT', { under: back, over: back }, ['mangle', 'filter', 'security']);
    const idrops = denied(i.outcomes);
    if (idrops.length && !i.accepted.over.length)
      out.push(finding(at(idrops), 'error', 'egress-blocked', `Replies from needed egress ${name} are dropped: ${deciders(ctx, idrops)}`,
        `Connections to ${name} leave, but their answers come back to INPUT as ESTABLISHED packets and are dropped, so they time out.`,
        'Add -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT at the top of INPUT.'));
  }
  return out;
}
