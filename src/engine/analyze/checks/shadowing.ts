// Rules that can never match, or never decide: contradictory clauses, shadowing by earlier rules, and
// redundancy with a later rule (or the policy) that would decide the same way anyway.
import type { Rule } from '../../model/ruleset';
import { BoxIndex } from '../box-index';
import type { LintContext } from '../context';
import { finding, type Finding } from '../finding';
import { effectOf, sameDecision } from '../targets';

const MAX_NAMED = 3;

function names(ctx: LintContext, rules: Rule[]): string {
  const shown = rules.slice(0, MAX_NAMED).map((r) => ctx.ref(r));
  return rules.length > MAX_NAMED ? `${shown.join(', ')} and ${rules.length - MAX_NAMED} more` : shown.join(', ');
}

export function shadowing(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  for (const [, table] of ctx.ruleset.tables)
    for (const chain of table.chains.values())
      for (const rule of chain.rules) {
        const rf = ctx.walk.rules.get(rule);
        if (!rf) continue;
        if (rf.neverMatches) {
          out.push(finding(rule.span, 'warning', 'never-matches', `Rule can never match: its clauses contradict each other`,
            'No packet satisfies all of its matches at once (for example two source ranges that do not overlap, or a protocol its port match cannot have).',
            'Fix the clause that is wrong, or delete the rule.'));
          continue;
        }
        if (rf.shadowedBy) {
          const eff = effectOf(rule);
          const conflict = eff.kind === 'decide' && rf.shadowedBy.some((s) => {
            const e = effectOf(s);
            return e.kind === 'decide' ? e.label !== eff.label : e.kind === 'return' || e.kind === 'jump';
          });
          out.push(finding(rule.span, conflict ? 'error' : 'warning', 'shadowed',
            `Rule never matches: every packet it matches is taken earlier by ${names(ctx, rf.shadowedBy)}`,
            `iptables uses the first rule that decides. Each packet this rule could match is already ${conflict ? 'decided differently' : 'decided'} by an earlier rule of ${rule.chain}, so this rule${conflict ? `'s ${eff.kind === 'decide' ? eff.label : 'verdict'} never happens` : ' is dead'}.`,
            conflict ? `Move this rule above line ${rf.shadowedBy[0].span.line}, or narrow the earlier rule so it leaves these packets.` : 'Delete the rule, or move it above the rules that take its packets.',
            rf.shadowedBy.map((r) => r.span.line)));
        } else if (rf.mayShadowedBy) {
          out.push(finding(rule.span, 'info', 'may-shadowed',
            `Rule may never match: earlier rules take all its packets when their rate or history matches (${names(ctx, rf.mayShadowedBy)})`,
            'The earlier rules use matches that depend on time or on earlier packets (limit, recent, statistic ...) or that the analysis cannot describe; whether this rule is reached depends on them.',
            'Check that the earlier rules leave the traffic this rule is meant for.', rf.mayShadowedBy.map((r) => r.span.line)));
        }
      }
  return out.concat(redundancy(ctx));
}

/// A deciding rule whose packets, without it, would all reach later rules deciding the same way (or the
/// policy), with nothing in between acting on them.
function redundancy(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  const { alg, spaces } = ctx;
  for (const [, table] of ctx.ruleset.tables)
    for (const chain of table.chains.values()) {
      if (chain.rules.length < 2 && !chain.builtin) continue;
      const index = new BoxIndex<number>(alg);
      chain.rules.forEach((r, i) => spaces.of(r).over.forEach((b) => index.add(b, i)));
      chain.rules.forEach((rule, i) => {
        const rf = ctx.walk.rules.get(rule);
        const eff = effectOf(rule);
        const sp = spaces.of(rule);
        if (eff.kind !== 'decide' || sp.may.length || !rf || rf.neverMatches || rf.shadowedBy || rf.mayShadowedBy) return;
        let rest = sp.under;
        const later = new Set<number>();
        for (const b of rest) for (const e of index.meeting(b)) if (e.tag > i) later.add(e.tag);
        const by: Rule[] = [];
        for (const j of [...later].sort((a, b) => a - b)) {
          if (!rest.length) break;
          const l = chain.rules[j];
          const ls = spaces.of(l);
          if (!rest.some((b) => ls.over.some((o) => alg.meets(b, o)))) continue;
          if (!sameDecision(rule, l) || ls.may.length) return;
          by.push(l);
          rest = alg.subtractAll(rest, ls.under);
        }
        // A later exact duplicate is reported as shadowed by this one; once is enough.
        if (!rest.length && !by.some((l) => ctx.walk.rules.get(l)?.shadowedBy?.includes(rule))) {
          out.push(finding(rule.span, 'warning', 'redundant', `Rule is redundant: ${names(ctx, by)} ${by.length > 1 ? 'decide' : 'decides'} the same for all its packets`,
            'Every packet this rule matches would, without it, reach later rules with the same verdict, and no rule in between acts on it.',
            'Delete one of the two, keeping the one whose place states the intent.', by.map((r) => r.span.line)));
        } else if (chain.builtin && eff.kind === 'decide' && eff.label === chain.policy && !by.length && i === chain.rules.length - 1) {
          out.push(finding(rule.span, 'info', 'redundant-policy', `Rule repeats the ${chain.name} policy (${chain.policy})`,
            `The packets it matches would get the chain's policy, ${chain.policy}, anyway.`,
            'Keep it if you want its counter or the policy to stay safe when someone changes it; otherwise delete it.'));
        }
      });
    }
  return out;
}
