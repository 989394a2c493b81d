// The saved work when it is too big for localStorage (a 100k-rule dump is 15 MB): kept in IndexedDB
// by the worker, so neither writing it nor reading it back after a reload is main-thread work. The
// state is stored as it is (structured clone): no compression to make or undo. Where IndexedDB is
// missing (Node, some private modes) nothing is kept and nothing is found.
// The rules are a record of their own, named by a key of their own that the state refers to: a save
// that changes only the rest (the packet, the step, the view — every click after a reload) writes a few
// hundred bytes, not 15 MB again (a structured clone of them in the worker and a write in the browser,
// on a two-core machine taking the cores the page's own rendering needs).
import type { SharedState } from '../share/share-link';

const DB = 'nfplay';
const STORE = 'work';
const KEY = 'current';

let db: Promise<IDBDatabase | null> | null = null;

function open(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return (db ??= new Promise((resolve) => {
    try {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
      req.onblocked = () => resolve(null);
    } catch {
      resolve(null);
    }
  }));
}

function transaction<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore, done: (value: T) => void) => void): Promise<T | null> {
  return open().then(
    (d) =>
      new Promise<T | null>((resolve) => {
        if (!d) return resolve(null);
        try {
          const tx = d.transaction(STORE, mode);
          let value: T | null = null;
          use(tx.objectStore(STORE), (v) => (value = v));
          tx.oncomplete = () => resolve(value);
          tx.onerror = tx.onabort = () => resolve(null);
        } catch {
          resolve(null);
        }
      }),
  );
}

/// Where the rules of the saved work are: their record's key (a new one for each new text), and the rules
/// (this worker's copy, the same string it holds and runs: comparing it with the rules of a save is then
/// a comparison of references, not of 15 MB).
let stored: { key: string; rules: string } | null = null;
let keys = 0;

interface Saved extends SharedState {
  /// The key of the record holding the rules (`rules` is then empty).
  rulesKey?: string;
}

/// Resolves to whether the state was kept. The rules are written only when they are not already the
/// saved work's (or their record has gone: another tab's save replaced it).
export async function putWork(state: SharedState): Promise<boolean> {
  const same = stored && stored.rules.length === state.rules.length && stored.rules === state.rules ? stored : null;
  const key = same?.key ?? `rules:${Date.now().toString(36)}.${(++keys).toString(36)}`;
  const kept = await transaction<boolean>('readwrite', (store, done) => {
    const write = (withRules: boolean) => {
      if (withRules) store.put(state.rules, key);
      store.put({ ...state, rules: '', rulesKey: key } satisfies Saved, KEY);
      // Rules records no saved state refers to any more.
      if (withRules)
        store.getAllKeys().onsuccess = (e) => {
          for (const k of (e.target as IDBRequest<IDBValidKey[]>).result) if (typeof k === 'string' && k.startsWith('rules:') && k !== key) store.delete(k);
        };
      done(true);
    };
    if (!same) return write(true);
    store.getKey(key).onsuccess = (e) => write((e.target as IDBRequest<IDBValidKey | undefined>).result === undefined);
  });
  if (!kept) return false;
  stored = { key, rules: state.rules };
  return true;
}

export async function getWork(): Promise<SharedState | null> {
  const v = await transaction<unknown>('readonly', (store, done) => {
    store.get(KEY).onsuccess = (e) => {
      const saved = (e.target as IDBRequest<unknown>).result as Saved | undefined;
      // Saved before the rules had a record of their own: as it is.
      if (!saved || typeof saved !== 'object' || typeof saved.rulesKey !== 'string') return done(saved ?? null);
      const rulesKey = saved.rulesKey;
      store.get(rulesKey).onsuccess = (r) => {
        const rules = (r.target as IDBRequest<unknown>).result;
        if (typeof rules !== 'string') return done(null);
        const { rulesKey: _, ...state } = saved;
        stored = { key: rulesKey, rules };
        done({ ...state, rules });
      };
    };
  });
  return v && typeof v === 'object' && typeof (v as SharedState).rules === 'string' ? (v as SharedState) : null;
}

export async function clearWork(): Promise<void> {
  stored = null;
  await transaction<boolean>('readwrite', (store, done) => {
    store.clear();
    done(true);
  });
}
