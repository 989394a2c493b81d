// The nfplay command: the engine over files, for scripts and CI (DESIGN.md section 4).
// Exit status: 0 success, 1 findings or failed checks, 2 bad input.
import { readFileSync } from 'node:fs';
import { simulate } from '../engine/sim/simulate';
import { simulateNft } from '../nft/sim/simulate';
import { NftProgram } from '../nft/sim/program';
import { ScenarioError } from '../engine/sim/host';
import { readScenarios, ScenarioInputError } from '../share/scenario-json';
import { report } from './report';
import { translateCommand } from './translate';
import { lintCommand } from './lint';
import { checkCommand } from './check';
import { whatifCommand } from './whatif';
import { applyCommand } from './apply';

const USAGE = `usage: nfplay <command> FILE [options]   (FILE may be - for standard input)

  simulate FILE [--json]   run the packets of a scenario (or a JSON list of scenarios)
  translate FILE [--compat] [--counters]
                           iptables rules to nftables (--compat: as iptables-restore-translate)
  lint FILE [--json]       findings: shadowed rules, lockout, missing ESTABLISHED, port forwards ...
                           (FILE: rules, or a scenario whose "analysis" names management and egress)
  check RULES --matrix MATRIX [--json]
                           the flows a validation matrix lists, each with the fate it must have
  whatif BEFORE AFTER [--json]
                           the packets whose fate a change moves, with an example and the deciding
                           rules (one scenario: its "rules" against its "proposal"); exit 1 on a change
  apply RULES [--rollback SECONDS] [--matrix MATRIX] [--path PATH]
                           the script that loads RULES safely: backup, test, rollback timer, atomic
                           load, checks (a failing matrix flow: no script, exit 1)
`;

class BadInput extends Error {}

function read(file: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    throw new BadInput(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function simulateCommand(file: string, json: boolean): number {
  const name = file === '-' ? '<stdin>' : file;
  let scenarios;
  try {
    scenarios = readScenarios(read(file));
  } catch (e) {
    if (e instanceof ScenarioInputError) throw new BadInput(`${name}${e.line ? `:${e.line}:${e.column}` : ''}: ${e.message}`);
    throw e;
  }
  const results = scenarios.map((s, i) => {
    const where = scenarios.length > 1 ? `${name} [${i}]` : name;
    let out;
    try {
      // A scenario with an nftables ruleset is simulated with it instead of its iptables rules.
      out = typeof s.nft === 'string' ? simulateNft(s) : simulate(s);
    } catch (e) {
      if (e instanceof ScenarioError) throw new BadInput(`${where}: ${e.message}`);
      throw e;
    }
    const errors = out.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length)
      throw new BadInput(errors.map((d) => `${where}: ${typeof s.nft === 'string' ? 'nft' : 'rules'} line ${d.line}, column ${d.column}: ${d.message}`).join('\n'));
    return { scenario: s, out };
  });
  if (json) {
    const body = { results: results.map(({ out }) => ({ packets: out.packets.map(({ events, ...p }) => (void events, p)), counters: out.counters })) };
    process.stdout.write(JSON.stringify(body, null, 2) + '\n');
  } else {
    results.forEach(({ scenario, out }, i) => {
      if (results.length > 1) process.stdout.write(`== scenario ${i + 1}\n`);
      for (const d of out.diagnostics) process.stdout.write(`${typeof scenario.nft === 'string' ? 'nft' : 'rules'} line ${d.line}, column ${d.column}: ${d.severity}: ${d.message}\n`);
      for (const [m, why] of Object.entries(out.unsimulated)) process.stdout.write(`note: ${m} is parsed, not simulated: ${why}\n`);
      const p = out.program;
      process.stdout.write(report(scenario.packets, out.packets, p instanceof NftProgram ? (st) => p.ruleText(st.table, st.chain, st.rule) : p.ruleset));
    });
  }
  return 0;
}

export function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const files = rest.filter((a) => !a.startsWith('--'));
  try {
    switch (cmd) {
      case 'simulate':
        if (files.length !== 1) throw new BadInput(USAGE);
        return simulateCommand(files[0], flags.has('--json'));
      case 'translate': {
        if (files.length !== 1) throw new BadInput(USAGE);
        const out = translateCommand(read(files[0]), files[0] === '-' ? '<stdin>' : files[0], { compat: flags.has('--compat'), counters: flags.has('--counters') });
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        return out.code;
      }
      case 'lint': {
        if (files.length !== 1) throw new BadInput(USAGE);
        const out = lintCommand(read(files[0]), files[0] === '-' ? '<stdin>' : files[0], { json: flags.has('--json') });
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        return out.code;
      }
      case 'check': {
        const at = rest.indexOf('--matrix');
        const matrix = at >= 0 ? rest[at + 1] : undefined;
        const rules = files.filter((f) => f !== matrix);
        if (!matrix || matrix.startsWith('--') || rules.length !== 1) throw new BadInput(USAGE);
        if (rules[0] === '-' && matrix === '-') throw new BadInput('check: RULES and MATRIX cannot both be standard input');
        const name = (f: string) => (f === '-' ? '<stdin>' : f);
        const out = checkCommand(read(rules[0]), name(rules[0]), read(matrix), name(matrix), { json: flags.has('--json') });
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        return out.code;
      }
      case 'whatif': {
        if (files.length < 1 || files.length > 2 || (files[0] === '-' && files[1] === '-')) throw new BadInput(USAGE);
        const named = (f: string) => ({ text: read(f), name: f === '-' ? '<stdin>' : f });
        const out = whatifCommand(named(files[0]), files[1] ? named(files[1]) : null, { json: flags.has('--json') });
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        return out.code;
      }
      case 'apply': {
        // Options with a value: their values are not files.
        const value = (o: string) => {
          const at = rest.indexOf(o);
          if (at < 0) return undefined;
          const v = rest[at + 1];
          if (v === undefined || (v.startsWith('--') && v !== '-')) throw new BadInput(`${o} needs a value\n${USAGE}`);
          return v;
        };
        const rollback = value('--rollback');
        const matrix = value('--matrix');
        const path = value('--path');
        const known = new Set(['--rollback', '--matrix', '--path']);
        const unknown = [...flags].filter((f) => !known.has(f));
        if (unknown.length) throw new BadInput(`apply: unknown option ${unknown[0]}\n${USAGE}`);
        const rules = rest.filter((a, i) => !a.startsWith('--') && !known.has(rest[i - 1]));
        if (rules.length !== 1) throw new BadInput(USAGE);
        if (rules[0] === '-' && matrix === '-') throw new BadInput('apply: RULES and MATRIX cannot both be standard input');
        const name = (f: string) => (f === '-' ? '<stdin>' : f);
        const out = applyCommand(read(rules[0]), name(rules[0]), { rollback, path, matrix: matrix ? { text: read(matrix), name: name(matrix) } : undefined });
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        return out.code;
      }
      case undefined:
      case 'help':
      case '--help':
        process.stdout.write(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        throw new BadInput(`unknown command "${cmd}"\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof BadInput) {
      process.stderr.write(`nfplay: ${e.message.trimEnd()}\n`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
