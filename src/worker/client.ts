// The main thread's handle on the engine worker. It owns concurrency: the latest request of each kind
// wins and stale answers are dropped; a superseded computation that still occupies the worker, or one
// that runs past the timeout, is cancelled the only way a synchronous computation can be: by terminating
// the worker and starting a fresh one (as Squoosh does).
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { nextTask } from './next-task';
import type { EngineApi, Phase } from './api';

export type { LintView, MatrixView, ProposalView, FlowView, SampleView, Finding, Change, Side, AnalysisContext } from './api';
export type { RulesRef, NeedRules } from './api';
export type { NftMode, NftPreview, RunOutput, Analysis, PacketView, StepView, GeneratedView, RuleSource, Vocabulary, ModuleInfo, Excerpt, TextKind } from './api';

export interface Progress {
  busy: boolean;
  phase?: Phase;
}

export interface ClientOptions {
  /// Milliseconds before a request is abandoned and the worker restarted.
  timeout?: number;
  /// A superseded request still running after this many milliseconds is killed rather than awaited.
  restartAfter?: number;
  /// Calls (besides run and translate) worth a restart when superseded: a worker that keeps no state.
  restartable?: readonly string[];
  onProgress?: (p: Progress) => void;
}

interface Job {
  channel: string;
  started: number;
  timer: ReturnType<typeof setTimeout>;
  done: (value: unknown, error?: Error) => void;
}

export class EngineTimeout extends Error {}

/// Characters of a rules text per message when a big one crosses between the page and the engine worker:
/// one 15 MB message is a long task on the page (copying it out, or in), a megabyte is about a millisecond.
export const RULES_PART = 1 << 20;

const RESTARTABLE = new Set(['run', 'translate']);
/// Calls that supersede one another: a run of held rules and a run of rules sent.
const SAME_AS: Partial<Record<string, string>> = { runHeld: 'run' };

export class EngineClient {
  #worker!: Worker;
  #remote!: Remote<EngineApi>;
  #jobs = new Set<Job>();
  #latest = new Map<string, number>();
  #seq = 0;
  // Run after each (re)start of the worker.
  #spawned = new Set<() => void>();

  constructor(private opts: ClientOptions = {}) {
    this.#spawn();
  }

  /// Connects this worker and `other` by a message port, so that they hand each other rules texts by id
  /// (api.ts, RulesRef) instead of the page posting them twice; again whenever either restarts. Returns
  /// the unlink.
  link(other: EngineClient): () => void {
    const connect = () => {
      const { port1, port2 } = new MessageChannel();
      this.#remote.connectPeer(transfer(port1, [port1])).catch(() => {});
      other.#remote.connectPeer(transfer(port2, [port2])).catch(() => {});
    };
    connect();
    this.#spawned.add(connect);
    other.#spawned.add(connect);
    return () => {
      this.#spawned.delete(connect);
      other.#spawned.delete(connect);
    };
  }

  /// Calls the engine; resolves to null when a newer call of the same name superseded this one.
  call<K extends Exclude<keyof EngineApi, 'onProgress' | 'connectPeer'>>(name: K, ...args: Parameters<EngineApi[K]>) {
    type Result = Awaited<ReturnType<EngineApi[K]>>;
    return this.#call(SAME_AS[name] ?? name, (r) => (r[name] as unknown as (...a: typeof args) => Promise<Result>)(...args));
  }

  /// Posts a rules text to the worker in parts of RULES_PART characters, a task apart, where it is held as
  /// `id` for the calls that take rules by id (api.rulesPart). A run still computing is superseded first:
  /// the worker's time is the new text's. Resolves to false when `stale` said to stop.
  async sendRules(id: number, text: string, stale: () => boolean): Promise<boolean> {
    this.#supersede('run');
    for (let at = 0; at < text.length || at === 0; at += RULES_PART) {
      if (at) {
        await nextTask();
        if (stale()) return false;
      }
      this.#remote.rulesPart(id, text.slice(at, at + RULES_PART), at, at + RULES_PART >= text.length).catch(() => {});
    }
    return true;
  }

  /// Reads a text the worker holds as `id`, `length` characters long, a part per message (api.heldSlice);
  /// null when the worker no longer has it. The parts come with the text made of them by `+`, a rope that
  /// costs nothing until something reads its characters: joining them (a flat copy of the whole) was a
  /// long task, and the editor builds its document from the parts.
  async readRules(id: number, length: number): Promise<{ text: string; parts: string[] } | null> {
    const parts: string[] = [];
    let text = '';
    for (let at = 0; at < length; at += RULES_PART) {
      const part = await this.call('heldSlice', id, at, Math.min(length, at + RULES_PART));
      if (part === null) return null;
      parts.push(part);
      text += part;
    }
    return { text, parts };
  }

  dispose() {
    this.#remote[releaseProxy]();
    this.#worker.terminate();
    for (const job of this.#jobs) job.done(null);
  }

  #call<T>(channel: string, send: (r: Remote<EngineApi>) => Promise<T>): Promise<T | null> {
    const id = ++this.#seq;
    this.#latest.set(channel, id);
    this.#supersede(channel);
    return new Promise<T | null>((resolve, reject) => {
      const job: Job = {
        channel, started: performance.now(),
        timer: setTimeout(() => {
          job.done(null, new EngineTimeout(`the engine gave up after ${(this.opts.timeout ?? 15000) / 1000} s`));
          this.#restart();
        }, this.opts.timeout ?? 15000),
        done: (value, error) => {
          if (!this.#jobs.delete(job)) return;
          clearTimeout(job.timer);
          if (!this.#jobs.size) this.opts.onProgress?.({ busy: false });
          if (error) reject(error);
          else resolve(this.#latest.get(channel) === id ? (value as T) : null);
        },
      };
      this.#jobs.add(job);
      this.opts.onProgress?.({ busy: true });
      send(this.#remote).then((v) => job.done(v), (e: unknown) => job.done(null, e instanceof Error ? e : new Error(String(e))));
    });
  }

  /// Drops the pending calls of a channel (they resolve to null), and restarts the worker if one of them
  /// is a computation that has run a while.
  #supersede(channel: string) {
    const stale = [...this.#jobs].filter((j) => j.channel === channel);
    stale.forEach((j) => j.done(null));
    // Only computations are worth a restart: a superseded share link or text is cheap, and may just be
    // waiting behind a run (a restart would also lose the rules the worker keeps).
    if ((RESTARTABLE.has(channel) || this.opts.restartable?.includes(channel)) && stale.some((j) => performance.now() - j.started > (this.opts.restartAfter ?? 200))) this.#restart();
  }

  #spawn() {
    this.#worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'nfplay-engine' });
    this.#remote = wrap<EngineApi>(this.#worker);
    // Phase reports travel on their own port and may arrive after the answer: only report while busy.
    void this.#remote.onProgress(proxy((phase: Phase) => void (this.#jobs.size && this.opts.onProgress?.({ busy: true, phase }))));
    for (const f of this.#spawned) f();
  }

  #restart() {
    this.#worker.terminate();
    for (const job of this.#jobs) job.done(null);
    this.#spawn();
  }
}
