import { createStore, promisifyRequest, type UseStore } from 'idb-keyval'
import type { Envelope } from './types'

export type Entry = [key: string, event: Envelope]

export interface Store {
  put(list: Entry[]): Promise<void>
  /** Every stored entry, oldest first (keys start with the event's ISO timestamp). */
  all(): Promise<Entry[]>
  del(keys: string[]): Promise<void>
  clear(): Promise<void>
}

/**
 * The persisted queue: IndexedDB through idb-keyval in its own database, opened on first use so
 * that nothing is created before consent. When IndexedDB is missing, blocked or full it falls
 * back to memory for the rest of the page's life and says so through `onFail`.
 *
 * Only idb-keyval's store and promise helpers are used: its setMany/delMany/entries default to
 * a second, shared database and carry a cursor fallback, bytes the script tag does not need.
 */
export function createQueueStore(onFail: (e: unknown) => void): Store {
  const mem = new Map<string, Envelope>()
  let idb: UseStore | null | undefined
  const run = async <T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => Promise<T> | void, fallback: () => T): Promise<T> => {
    try {
      if (idb !== null)
        return await (idb ||= createStore('footfall', 'queue'))(mode, (s) => f(s) || (promisifyRequest(s.transaction) as Promise<T>))
    } catch (e) {
      idb = null
      onFail(e)
    }
    return fallback()
  }
  return {
    put: (list) => run('readwrite', (s) => list.forEach(([k, v]) => s.put(v, k)), () => list.forEach(([k, v]) => mem.set(k, v))),
    all: () =>
      run(
        'readonly',
        (s) => Promise.all([promisifyRequest(s.getAllKeys()), promisifyRequest(s.getAll())]).then(([k, v]) => k.map((k, i) => [k, v[i]] as Entry)),
        () => [...mem].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      ),
    del: (keys) => run('readwrite', (s) => keys.forEach((k) => s.delete(k)), () => keys.forEach((k) => mem.delete(k))),
    clear: () => run('readwrite', (s) => void s.clear(), () => mem.clear()),
  }
}
