import { createStore, delMany, entries, setMany, clear, type UseStore } from 'idb-keyval'
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
 */
export function createQueueStore(onFail: (e: unknown) => void): Store {
  const mem = new Map<string, Envelope>()
  let idb: UseStore | null | undefined
  const run = async <T>(f: (s: UseStore) => Promise<T>, fallback: () => T): Promise<T> => {
    try {
      if (idb !== null) return await f((idb ||= createStore('footfall', 'queue')))
    } catch (e) {
      idb = null
      onFail(e)
    }
    return fallback()
  }
  return {
    put: (list) => run((s) => setMany(list, s), () => list.forEach(([k, v]) => mem.set(k, v))),
    all: () => run((s) => entries<string, Envelope>(s), () => [...mem].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
    del: (keys) => run((s) => delMany(keys, s), () => keys.forEach((k) => mem.delete(k))),
    clear: () => run((s) => clear(s), () => mem.clear()),
  }
}
