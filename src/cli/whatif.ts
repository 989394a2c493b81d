// `nfplay whatif BEFORE AFTER [--json]`: the classes of packets whose fate a change moves, each with an
// example packet and the rule deciding it on both sides. `nfplay whatif SCENARIO` compares a scenario's
// rules with its "proposal". Exit 1 when some fate changes, 0 when none does, 2 on bad input.
import { whatIf, type Change, type Side } from '../engine/analyze/what-if';
import type { PacketSpec } from '../engine/model/scenario';
import type { LintOutput } from './lint';
import { InputError, readRules, type RulesInput } from './rules-input';

interface Named {
  text: string;
  name: string;
}

export function whatifCommand(before: Named, after: Named | null, flags: { json: boolean }): LintOutput {
  let a: RulesInput;
  let b: RulesInput;
  try {
    a = readRules(before.text, before.name);
    b = after ? readRules(after.text, after.name) : readRules(before.text, before.name, readRules.proposal);
    if (!after && !a.scenario) throw new InputError(`nfplay: ${before.name}: one file compares a scenario's "rules" with its "proposal"; give BEFORE and AFTER\n`);
  } catch (e) {
    if (e instanceof InputError) return { code: 2, stdout: '', stderr: e.message };
    throw e;
  }
  const scenario = a.scenario ?? b.scenario;
  const host = scenario?.host.interfaces.length ? scenario.host : undefined;
  const changes = whatIf(a.rules, b.rules, { host, sets: scenario?.sets });
  const code = changes.length ? 1 : 0;
  if (flags.json) return { code, stdout: JSON.stringify({ changes }, null, 2) + '\n', stderr: '' };
  return { code, stdout: report(changes, a.where, b.where), stderr: '' };
}

function side(s: Side, where: string): string {
  return s.rule ? `${s.verdict} by ${where}:${s.rule.line}  ${s.rule.text}` : `${s.verdict} by the ${s.chain} policy`;
}

function packet(p: PacketSpec): string {
  const port = (a: string, n?: number) => (n === undefined ? a : `${a}:${n}`);
  const extra = p.flags?.length ? ` ${p.flags.join(',')}` : p.icmpType !== undefined ? ` ${p.icmpType}` : '';
  return `${p.proto} ${port(p.src, p.sport)} → ${port(p.dst, p.dport)}${extra} ${p.from === 'local' ? 'sent locally' : `in on ${p.from}`}`;
}

function report(changes: Change[], before: string, after: string): string {
  const out: string[] = [];
  for (const c of changes) {
    out.push(`${c.hook.padEnd(7)} ${c.packets}`);
    out.push(`  before: ${side(c.before, before)}`);
    out.push(`  after:  ${side(c.after, after)}`);
    const sim = c.fates ? ` (simulated: ${c.fates.before} → ${c.fates.after}${c.confirmed ? '' : ', not as predicted'})` : '';
    out.push(`  e.g.    ${packet(c.example)}${sim}`);
  }
  const n = changes.length;
  out.push(n ? `${n}${n >= 50 ? '+' : ''} class${n === 1 ? '' : 'es'} of packets change fate` : 'no packet changes fate');
  return out.join('\n') + '\n';
}
