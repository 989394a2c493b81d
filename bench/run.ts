// npm run bench: speed of the engine on kube-proxy-shaped dumps. Figures are medians of a few runs on
// this machine; compare ratios across machines, not milliseconds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRuleset } from '../src/engine/parse/index';
import { Simulation, simulateRuleset } from '../src/engine/sim/simulate';
import type { PacketSpec, Scenario } from '../src/engine/model/scenario';
import { kubeProxyDump } from './kubeproxy';
import { CHECKS, lint } from '../src/engine/analyze/lint';
import { LintContext } from '../src/engine/analyze/context';
import { parseIntent } from '../src/engine/analyze/intent';
import { cpuTime, cpuTimes, median, time } from './measure';

const HOST: Scenario['host'] = {
  interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }, { name: 'cni0', addresses: ['10.244.0.1/16'] }],
  routes: [{ to: 'default', via: '203.0.113.1' }],
  forwarding: true,
};

/// Where the bench's bundles are (bench/out).
const here = dirname(fileURLToPath(import.meta.url));

const rows: string[][] = [];
const row = (...cells: (string | number)[]) => rows.push(cells.map(String));

console.log(`nfplay bench — ${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}, node ${process.version}`);

for (const n of [10_000, 50_000, 100_000]) {
  const dump = kubeProxyDump(n);
  // Wall time is the target; CPU time (GC helper threads included) says more on a busy machine.
  const ms = time(5, () => parseRuleset(dump.text));
  const cpu = cpuTime(5, () => parseRuleset(dump.text));
  row(`parse kube-proxy dump, ${dump.rules} rules`, `${ms.toFixed(0)} ms (cpu ${cpu.toFixed(0)} ms)`, `${(ms / (dump.rules / 1000)).toFixed(2)} ms per 1k rules`, ms < 1000 || n < 100_000 ? 'ok' : 'target: < 1 s for 100k');
}

{
  // Translation, side by side with the reference translator on the same file where it is installed (it
  // reads a file and touches no firewall). CPU time, ours and the reference's: the machines this runs on
  // are shared, and wall time then says more about the neighbours. Ours runs in processes of its own
  // (translate-run.ts), as the reference does, three per mode and size: a collection of the last run's
  // model falls in some runs and not others, and single processes' medians varied by a quarter. They
  // alternate with the reference's runs, so that both see the machine as it is at the time.
  const dir = mkdtempSync(join(tmpdir(), 'nfplay-bench-'));
  let reference = true;
  const MODES = ['compat', 'idiomatic'] as const;
  for (const n of [10_000, 50_000, 100_000]) {
    const dump = kubeProxyDump(n);
    const file = join(dir, `kube-${n}.rules`);
    writeFileSync(file, dump.text);
    const refRuns: number[] = [];
    const ours = new Map<string, Record<'first' | 'only' | 'ms', number[]>[]>(MODES.map((m) => [m, []]));
    for (let round = 0; round < 3; round++) {
      if (reference) {
        try {
          refRuns.push(...cpuTimes(3, () => execFileSync('iptables-restore-translate', ['-f', file], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 30 }), true));
        } catch {
          reference = false;
        }
      }
      for (const mode of MODES) ours.get(mode)!.push(JSON.parse(execFileSync(process.execPath, [join(here, 'translate-run.mjs'), file, mode], { encoding: 'utf8', maxBuffer: 1 << 20 })));
    }
    const ref = reference ? median(refRuns) : null;
    for (const mode of MODES) {
      // The ratio is that of the runs after each process's first: the engine's speed in a playground or a
      // CLI that has warmed up. The first runs, which compile the code, are shown apart.
      const runs = ours.get(mode)!;
      const [first, only, ms] = (['first', 'only', 'ms'] as const).map((k) => median(runs.flatMap((r) => r[k])));
      const vs = ref === null ? 'iptables-restore-translate not installed' : `iptables-restore-translate ${ref.toFixed(0)} ms cpu: ${(ref / ms).toFixed(2)}x ${ref >= ms ? 'faster' : 'slower'}`;
      row(`translate --${mode} kube-proxy dump, ${dump.rules} rules`, `${ms.toFixed(0)} ms cpu with parsing (${only.toFixed(0)} ms translating; first run ${first.toFixed(0)} ms)`, vs, ref === null || ref >= ms ? 'ok' : 'target: faster than the reference');
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

{
  // A 10k-rule filter chain none of whose rules matches: every packet evaluates all of them.
  const lines = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]'];
  for (let i = 0; i < 10_000; i++) lines.push(`-A INPUT -s 192.0.${(i >> 8) & 255}.${i & 255}/32 -p tcp -m tcp --dport ${1 + (i % 60000)} -j DROP`);
  lines.push('-A INPUT -j ACCEPT', 'COMMIT', '');
  const { ruleset } = parseRuleset(lines.join('\n'));
  const packets: PacketSpec[] = [];
  for (let i = 0; i < 2000; i++) packets.push({ from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'udp', sport: 1000 + i, dport: 53 });
  const scenario: Scenario = { version: 1, host: HOST, rules: '', packets };
  const ms = time(5, () => simulateRuleset(ruleset, scenario));
  const evals = packets.length * 10_001;
  const perSec = evals / (ms / 1000);
  row('packets through a 10k-rule chain', `${((packets.length / ms) * 1000).toFixed(0)} packets/s`, `${(perSec / 1e6).toFixed(1)} M rule evaluations/s`, perSec >= 20e6 ? 'ok' : 'target: >= 20 M/s');
}

{
  const dump = kubeProxyDump(50_000);
  const { ruleset } = parseRuleset(dump.text);
  const { clusterIp, port, endpoint } = dump.sample;
  const syn: PacketSpec = { from: 'cni0', src: '10.244.200.9', dst: clusterIp, proto: 'tcp', sport: 43000, dport: port, flags: ['SYN'] };
  const reply: PacketSpec = { from: 'cni0', src: endpoint, dst: '10.244.200.9', proto: 'tcp', sport: port, dport: 43000, flags: ['SYN', 'ACK'] };
  const compile = time(3, () => new Simulation(ruleset, { host: HOST }));
  // Fresh connections each round (a new source port), so every SYN walks the nat chains.
  const sim = new Simulation(ruleset, { host: HOST });
  const rounds = 200;
  let next = 1024;
  const ms = time(3, () => {
    for (let k = 0; k < rounds; k++) {
      const sport = next++;
      sim.send({ ...syn, sport });
      sim.send({ ...reply, dport: sport });
    }
  });
  row(`kube-proxy ${dump.rules} rules: ClusterIP SYN + reply`, `${((ms / rounds / 2) * 1000).toFixed(1)} µs per packet`, `compile ${compile.toFixed(0)} ms once`, ms / rounds / 2 < 1 ? 'ok' : 'target: < 1 ms per packet');
}

for (const n of [10_000, 50_000]) {
  // Lint over a parsed ruleset (the parse is timed above), and end to end as `nfplay lint` runs it.
  const dump = kubeProxyDump(n);
  const { ruleset } = parseRuleset(dump.text);
  const only = time(3, () => {
    const ctx = new LintContext(dump.text, ruleset, parseIntent(undefined));
    CHECKS.flatMap((check) => check(ctx));
  });
  const whole = time(3, () => lint(dump.text));
  row(`lint kube-proxy dump, ${dump.rules} rules`, `${only.toFixed(0)} ms`, `${whole.toFixed(0)} ms with parsing`, n < 50_000 || only < 2000 ? 'ok' : 'target: < 2 s for 50k');
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
