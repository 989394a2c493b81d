// The main thread's handle on the engine worker. It owns concurrency: the latest request of each kind
// wins and stale answers are dropped; a superseded computation that still occupies the worker, or one
// that runs past the timeout, is cancelled the only way a synchronous computation can be: by terminating
// the worker and starting a fresh one (as Squoosh does).
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
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

  dispose() {
    this.#remote[releaseProxy]();
    this.#worker.terminate();
    for (const job of this.#jobs) job.done(null);
  }

  #call<T>(channel: string, send: (r: Remote<EngineApi>) => Promise<T>): Promise<T | null> {
    const id = ++this.#seq;
    this.#latest.set(channel, id);
    const stale = [...this.#jobs].filter((j) => j.channel === channel);
    stale.forEach((j) => j.done(null));
    // Only computations are worth a restart: a superseded share link or text is cheap, and may just be
    // waiting behind a run (a restart would also lose the rules the worker keeps).
    if ((RESTARTABLE.has(channel) || this.opts.restartable?.includes(channel)) && stale.some((j) => performance.now() - j.started > (this.opts.restartAfter ?? 200))) this.#restart();
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
