// One iptables command translated as iptables-translate would be asked: the chain is created first when
// it is not built in; the statements of the output joined with ` ; ` as the case files record them.
import { BUILTIN_CHAINS, type TableName } from '../../src/engine/model/ruleset';
import { findTarget } from '../../src/engine/modules/registry';
import { parseRuleset } from '../../src/engine/parse/index';
import { translateRuleset } from '../../src/nft/translate';

const VERDICTS = new Set(['ACCEPT', 'DROP', 'RETURN']);
/// Targets of iptables-extensions nfplay does not model: a jump to one is not a jump to a chain.
const XT_TARGETS = new Set(['ROUTE', 'TEE', 'LED', 'IDLETIMER', 'HMARK', 'ECN', 'HL', 'CLUSTERIP', 'DNPT', 'SNPT', 'TCPOPTSTRIP', 'RATEEST', 'SYNPROXY', 'MIRROR', 'SAME', 'IPV4OPTSSTRIP', 'TARPIT', 'DELUDE', 'CHAOS', 'SYSRQ', 'STEAL', 'ACCOUNT', 'LOGMARK', 'XOR', 'ECHO']);

export type CommandResult =
  | { error: string }
  | {
      /// The statements (` ; `-joined) as iptables-translate prints them, for comparison.
      compat: string;
      /// The whole --compat text: loadable with nft -f as it is.
      compatText: string;
      idiomatic: string;
      notes: string[];
      untranslated: boolean;
    };

/// Statement lines of a translation: rules and sets, `# -t ...` comments of untranslated rules.
export function statements(text: string): string[] {
  return text.split('\n').filter((l) => /^(add|insert) (rule|set|element|ct helper) /.test(l) || l.startsWith('# -t '));
}

export function commandCase(shellCmd: string): CommandResult {
  // The rows quote `!` as `'!'` (shlex.quote): the same argument to iptables. nfplay's parser takes a
  // quoted `!` as a literal word, so the cases give it the bare one.
  const cmd = shellCmd.replace(/ '!' /g, ' ! ');
  const m = /(?:^|\s)(?:-t|--table)\s+(\S+)/.exec(cmd);
  const table = (m?.[1] ?? 'filter') as TableName;
  const c = /\s(?:-A|-I|--append|--insert)\s+(\S+)/.exec(cmd);
  const chain = c?.[1]?.replace(/^'|'$/g, '') ?? '';
  const builtin = (BUILTIN_CHAINS[table] as readonly string[] | undefined)?.includes(chain) ?? false;
  const chains = new Set(builtin || !chain ? [] : [chain]);
  const j = /\s(?:-j|-g|--jump|--goto)\s+(\S+)/.exec(cmd)?.[1];
  if (j && !findTarget(j) && !VERDICTS.has(j) && !XT_TARGETS.has(j) && !(BUILTIN_CHAINS[table] as readonly string[] | undefined)?.includes(j)) chains.add(j);
  const pre = [...chains].map((n) => `iptables -t ${table} -N ${n}\n`).join('');
  const source = pre + cmd + '\n';
  const { ruleset, diagnostics } = parseRuleset(source);
  const err = diagnostics.find((d) => d.severity === 'error');
  if (err) return { error: err.message };
  const compat = translateRuleset(ruleset, { mode: 'compat', source });
  // `-N X` alone: iptables-translate prints the chain it adds.
  const newChain = /\s(?:-N|--new-chain)\s+(\S+)/.exec(cmd)?.[1];
  if (newChain && !c) {
    const line = compat.text.split('\n').find((l) => l === `add chain ip ${table} ${newChain}`) ?? '';
    return { compat: line, compatText: compat.text, idiomatic: translateRuleset(ruleset, { mode: 'idiomatic', source }).text, notes: [], untranslated: false };
  }
  const idiomatic = translateRuleset(ruleset, { mode: 'idiomatic', source });
  return {
    compat: statements(compat.text).map((l) => l.trimEnd()).join(' ; '),
    compatText: compat.text,
    idiomatic: idiomatic.text,
    notes: compat.text.split('\n').filter((l) => l.startsWith('# nfplay: ')).map((l) => l.slice(10)),
    untranslated: compat.untranslated.length > 0,
  };
}
