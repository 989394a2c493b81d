// The analysis beside the playground: lint findings of the rules, the validation matrix, and a proposed
// change with what it does. It has a worker of its own, so a long lint (about 1.6 s for 50k rules) never
// holds up a run or typing; lint starts once the run's result is shown. Each kind of request is latest-wins,
// and a superseded one that is still computing is cancelled by restarting that worker.
import { untrack } from 'svelte';
import { EngineClient, type AnalysisContext, type LintView, type MatrixView, type ProposalView, type RulesRef } from '../../worker/client';
import type { Playground } from '../state/playground.svelte';

type Channel = 'lintRules' | 'checkFlows' | 'proposeChange';

/// Which editor a "go to line" is for.
export type EditorTarget = 'rules' | 'proposal';

/// What "Apply" and "Discard" replaced, so that one click brings it back.
interface Undo {
  kind: 'applied' | 'discarded';
  rules: string;
  proposal: string;
}

/// Milliseconds of quiet before the matrix or a proposal is rechecked after an edit to them.
const SETTLE = 200;

export class Analysis {
  /// Findings of the rules, and the text they describe (their offsets point into it).
  lint = $state.raw<LintView | null>(null);
  lintText = $state.raw<string | null>(null);
  /// The matrix's flows against the rules.
  matrix = $state.raw<MatrixView | null>(null);
  /// The proposed change's what-if, findings and matrix, and the proposal text they describe.
  proposal = $state.raw<ProposalView | null>(null);
  proposalText = $state.raw<string | null>(null);
  busy = $state<Record<Channel, boolean>>({ lintRules: false, checkFlows: false, proposeChange: false });
  /// The analysis worker failed or gave up.
  error = $state<string | null>(null);
  /// The editor shown in the ruleset panel while a change is proposed.
  editing = $state<EditorTarget>('rules');
  /// A request to show a line in an editor; `seq` makes the same line asked twice a new request.
  reveal = $state.raw<{ target: EditorTarget; line: number; seq: number } | null>(null);
  undo = $state.raw<Undo | null>(null);

  // The worker starts with the first request (lint waits for an idle page after the run): starting it
  // with the page would put a third thread, compiling the engine, beside the page and the engine worker.
  #engine: EngineClient | null = null;
  #unlink: () => void = () => {};
  #seq: Record<Channel, number> = { lintRules: 0, checkFlows: 0, proposeChange: 0 };
  // What was last asked, so that an unrelated edit (a packet) asks nothing again.
  #asked: Record<Channel, unknown[]> = { lintRules: [], checkFlows: [], proposeChange: [] };
  #stop: () => void;

  constructor(readonly pg: Playground) {
    this.#stop = $effect.root(() => {
      // Lint and the matrix follow the run: once its result for the current rules is shown. Lint starts
      // when the page is idle: a big dump's lint keeps a core busy for seconds, and on a two-core machine
      // it would slow the page's own work of showing the result.
      $effect(() => {
        if (!pg.fresh) return;
        const { rules, host, analysis, sets } = pg.scenario;
        const ask = () => untrack(() => this.#ask('lintRules', [rules, { host, analysis, sets } satisfies AnalysisContext], (l: LintView) => ((this.lint = l), (this.lintText = rules)), [rules, host, analysis, sets]));
        if (typeof requestIdleCallback !== 'function') return void ask();
        const idle = requestIdleCallback(ask, { timeout: 500 });
        return () => cancelIdleCallback(idle);
      });
      $effect(() => {
        if (!pg.fresh) return;
        const { rules, host, matrix } = pg.scenario;
        if (!matrix?.trim()) return void untrack(() => ((this.matrix = null), (this.#asked.checkFlows = [])));
        const timer = setTimeout(() => this.#ask('checkFlows', [rules, matrix, host], (m: MatrixView) => (this.matrix = m)), SETTLE / 2);
        return () => clearTimeout(timer);
      });
      // A proposal is rechecked as it is typed, against the rules as they are.
      $effect(() => {
        const { rules, host, analysis, sets, matrix, proposal } = pg.scenario;
        if (proposal === undefined) {
          untrack(() => {
            this.proposal = null;
            this.proposalText = null;
            this.editing = 'rules';
          });
          return;
        }
        const first = untrack(() => this.proposal === null);
        const timer = setTimeout(() => {
          this.#ask('proposeChange', [rules, proposal, { host, analysis, sets }, matrix ?? ''], (p: ProposalView) => ((this.proposal = p), (this.proposalText = proposal)), [rules, proposal, host, analysis, sets, matrix]);
        }, first ? 0 : SETTLE);
        return () => clearTimeout(timer);
      });
    });
  }

  /// The findings, when they describe the rules as they are now.
  get freshLint(): LintView | null {
    return this.lint && this.lintText === this.pg.scenario.rules ? this.lint : null;
  }

  get proposing(): boolean {
    return this.pg.scenario.proposal !== undefined;
  }

  /// The proposal's analysis, when it describes the proposal as it is now.
  get freshProposal(): ProposalView | null {
    return this.proposal && this.proposalText === this.pg.scenario.proposal ? this.proposal : null;
  }

  show(target: EditorTarget, line: number) {
    if (target === 'proposal' && !this.proposing) target = 'rules';
    this.editing = target;
    this.reveal = { target, line, seq: (this.reveal?.seq ?? 0) + 1 };
  }

  editMatrix(text: string) {
    this.pg.edit({ matrix: text });
  }

  /// "Propose a change": a copy of the rules to edit, checked live against them.
  propose() {
    if (!this.proposing) this.pg.edit({ proposal: this.pg.scenario.rules });
    this.undo = null;
    this.editing = 'proposal';
  }

  editProposal(text: string) {
    this.pg.edit({ proposal: text });
  }

  /// The proposal becomes the rules (one click undoes it, as does undo in the rules editor).
  apply() {
    const { rules, proposal } = this.pg.scenario;
    if (proposal === undefined) return;
    this.pg.edit({ rules: proposal, proposal: undefined });
    this.undo = { kind: 'applied', rules, proposal };
    this.editing = 'rules';
  }

  discard() {
    const { rules, proposal } = this.pg.scenario;
    if (proposal === undefined) return;
    this.pg.edit({ proposal: undefined });
    this.undo = { kind: 'discarded', rules, proposal };
  }

  /// Brings back the rules and the proposal as they were before Apply or Discard.
  revert() {
    const u = this.undo;
    if (!u) return;
    this.undo = null;
    this.pg.edit(u.kind === 'applied' ? { rules: u.rules, proposal: u.proposal } : { proposal: u.proposal });
    this.editing = 'proposal';
  }

  dispose() {
    this.#stop();
    this.#unlink();
    this.#engine?.dispose();
  }

  get #client(): EngineClient {
    if (!this.#engine) {
      this.#engine = new EngineClient({ timeout: 30000, restartable: ['lintRules', 'checkFlows', 'proposeChange'] });
      // The rules reach this worker from the engine's, which has them already: posting 15 MB from the
      // page again would be a long task of its own.
      this.#unlink = this.pg.link(this.#engine);
    }
    return this.#engine;
  }

  /// Asks the worker; `done` gets the answer unless a newer request of the same kind came meanwhile. An
  /// answer lost to the worker's restart for another kind of request is asked again. The first argument
  /// is the rules: by id when the engine worker holds them, as text when neither worker does.
  /// `key`: what the answer depends on, compared by identity (the arguments themselves by default).
  async #ask<T>(name: Channel, args: unknown[], done: (out: T) => void, key: unknown[] = args) {
    const same = this.#asked[name].length === key.length && key.every((a, i) => a === this.#asked[name][i]);
    if (same) return;
    this.#asked[name] = key;
    const mine = ++this.#seq[name];
    this.busy[name] = true;
    try {
      const id = args[0] === this.pg.scenario.rules ? this.pg.rulesId : null;
      let sent = id === null ? args : [{ rulesId: id } satisfies RulesRef, ...args.slice(1)];
      for (let tries = 0; tries < 3 && mine === this.#seq[name]; tries++) {
        const out = await (this.#client.call as (n: Channel, ...a: unknown[]) => Promise<unknown>)(name, ...sent);
        if (mine !== this.#seq[name]) return;
        if (out && typeof out === 'object' && 'needRules' in out) {
          sent = args;
          continue;
        }
        if (out !== null) {
          this.error = null;
          return void done(out as T);
        }
      }
    } catch (e) {
      if (mine === this.#seq[name]) {
        this.error = e instanceof Error ? e.message : String(e);
        // Asking the same again must be possible after a failure.
        this.#asked[name] = [];
      }
    } finally {
      if (mine === this.#seq[name]) this.busy[name] = false;
    }
  }
}
