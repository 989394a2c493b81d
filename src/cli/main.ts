// The nfplay command: the engine over files, for scripts and CI (DESIGN.md section 4).
// Exit status: 0 success, 1 findings or failed checks, 2 bad input.
import { readFileSync } from 'node:fs';
import { simulate } from '../engine/sim/simulate';
import { ScenarioError } from '../engine/sim/host';
import { readScenarios, ScenarioInputError } from '../share/scenario-json';
import { report } from './report';
import { translateCommand } from './translate';
import { lintCommand } from './lint';
import { checkCommand } from './check';

const USAGE = `usage: nfplay <command> FILE [options]   (FILE may be - for standard input)

  simulate FILE [--json]   run the packets of a scenario (or a JSON list of scenarios)
  translate FILE [--compat] [--counters]
                           iptables rules to nftables (--compat: as iptables-restore-translate)
  lint FILE [--json]       findings: shadowed rules, lockout, missing ESTABLISHED, port forwards ...
                           (FILE: rules, or a scenario whose "analysis" names management and egress)
  check RULES --matrix MATRIX [--json]
                           the flows a validation matrix lists, each with the fate it must have
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
      out = simulate(s);
    } catch (e) {
      if (e instanceof ScenarioError) throw new BadInput(`${where}: ${e.message}`);
      throw e;
    }
    const errors = out.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length)
      throw new BadInput(errors.map((d) => `${where}: rules line ${d.line}, column ${d.column}: ${d.message}`).join('\n'));
    return { scenario: s, out };
  });
  if (json) {
    const body = { results: results.map(({ out }) => ({ packets: out.packets.map(({ events, ...p }) => (void events, p)), counters: out.counters })) };
    process.stdout.write(JSON.stringify(body, null, 2) + '\n');
  } else {
    results.forEach(({ scenario, out }, i) => {
      if (results.length > 1) process.stdout.write(`== scenario ${i + 1}\n`);
      for (const d of out.diagnostics) process.stdout.write(`rules line ${d.line}, column ${d.column}: ${d.severity}: ${d.message}\n`);
      for (const [m, why] of Object.entries(out.unsimulated)) process.stdout.write(`note: ${m} is parsed, not simulated: ${why}\n`);
      process.stdout.write(report(scenario.packets, out.packets, out.program.ruleset));
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
