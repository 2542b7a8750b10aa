import { createStore, promisifyRequest, type UseStore } from 'idb-keyval'
/** A queued event: its key (ISO timestamp + sequence + messageId, so keys sort oldest first) and its JSON. */
export type Entry = [key: string, json: string]

const DB = 'footfall'

export interface Store {
  save(list: Entry[]): Promise<void>
  /** Every stored entry, oldest first (keys start with the event's ISO timestamp). */
  stored(): Promise<Entry[]>
  del(keys: string[]): Promise<void>
  reset(): Promise<void>
  /** False once IndexedDB failed and the queue lives in memory only. */
  durable(): boolean
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
  const mem = new Map<string, string>()
  let idb: UseStore | null | undefined
  /** Consent denied: the database is deleted and left alone (memory only) until the next put. */
  let gone = false
  const run = async <T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => Promise<T> | void, fallback: () => T): Promise<T> => {
    let s: UseStore | null = null
    try {
      s = idb === null || gone ? null : (idb ||= createStore(DB, 'queue'))
      if (s)
        return await s(mode, (o) => {
          // Another tab deleting the database (consent denied there) must not wait for this tab to
          // close: the connection closes, and the next operation opens a new one.
          const d = o.transaction.db
          d.onversionchange = () => (d.close(), (idb = undefined))
          return f(o) || (promisifyRequest(o.transaction) as Promise<T>)
        })
    } catch (e) {
      // A connection closed under a running operation by a deletion is not a broken IndexedDB.
      if (!gone) {
        if (s != idb) return run(mode, f, fallback)
        idb = null
        onFail(e)
      }
    }
    return fallback()
  }
  return {
    save: (list) => ((gone = false), run('readwrite', (s) => list.forEach(([k, v]) => s.put(v, k)), () => list.forEach(([k, v]) => mem.set(k, v)))),
    stored: () =>
      run(
        'readonly',
        (s) => Promise.all([promisifyRequest(s.getAllKeys()), promisifyRequest(s.getAll())]).then(([k, v]) => k.map((k, i) => [k, v[i]] as Entry)),
        // (Keys are all one length, so sorting the `key,json` texts sorts by key.)
        () => [...mem].sort(),
      ),
    durable: () => idb !== null,
    del: (keys) => run('readwrite', (s) => keys.forEach((k) => s.delete(k)), () => keys.forEach((k) => mem.delete(k))),
    async reset() {
      mem.clear()
      gone = true
      const s = idb
      if (s) idb = undefined
      // Emptied first (another tab's connection could delay the deletion), then our connection is
      // closed, since it would block the deletion. deleteDatabase never creates a database.
      try {
        if (s) await s('readwrite', (o) => (o.clear(), o.transaction.db.close(), promisifyRequest(o.transaction)))
      } catch {}
      try {
        indexedDB.deleteDatabase(DB)
      } catch {}
    },
  }
}
