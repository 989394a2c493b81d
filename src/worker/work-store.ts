// The saved work when it is too big for localStorage (a 100k-rule dump is 15 MB): kept in IndexedDB
// by the worker, so neither writing it nor reading it back after a reload is main-thread work. The
// state is stored as it is (structured clone): no compression to make or undo. Where IndexedDB is
// missing (Node, some private modes) nothing is kept and nothing is found.
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

function request<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => IDBRequest<T>): Promise<T | null> {
  return open().then(
    (d) =>
      new Promise<T | null>((resolve) => {
        if (!d) return resolve(null);
        try {
          const tx = d.transaction(STORE, mode);
          const req = use(tx.objectStore(STORE));
          tx.oncomplete = () => resolve(req.result);
          tx.onerror = tx.onabort = () => resolve(null);
        } catch {
          resolve(null);
        }
      }),
  );
}

/// Resolves to whether the state was kept.
export async function putWork(state: SharedState): Promise<boolean> {
  return (await request('readwrite', (s) => s.put(state, KEY))) !== null;
}

export async function getWork(): Promise<SharedState | null> {
  const v = await request<unknown>('readonly', (s) => s.get(KEY));
  return v && typeof v === 'object' && typeof (v as SharedState).rules === 'string' ? (v as SharedState) : null;
}

export async function clearWork(): Promise<void> {
  await request('readwrite', (s) => s.delete(KEY));
}
