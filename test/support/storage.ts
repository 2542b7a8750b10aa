import type { Page } from '@playwright/test'

/** Everything a page's origin holds in the browser, read generically (not through footfall's own names). */
export interface Stored {
  /** IndexedDB: database name → object store name → every value in it. */
  indexedDB: Record<string, Record<string, unknown[]>>
  localStorage: Record<string, string>
  sessionStorage: Record<string, string>
  cookie: string
  caches: string[]
}

/**
 * Reads every IndexedDB database (indexedDB.databases()), both Web Storage areas, document.cookie
 * and Cache Storage. Databases are opened only because they are listed, closed right after, and
 * never created (one deleted since the listing is skipped), so reading cannot change the answer.
 */
export const readStorage = (page: Page): Promise<Stored> =>
  page.evaluate(async () => {
    const req = <T>(r: IDBRequest<T>) => new Promise<T>((ok, ko) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => ko(r.error))))
    const idb: Record<string, Record<string, unknown[]>> = {}
    for (const { name } of await indexedDB.databases()) {
      // Deleted between the listing and this open: an upgrade means open() would create it, so abort.
      const open = indexedDB.open(name!)
      open.onupgradeneeded = () => open.transaction!.abort()
      const db = await req(open).catch(() => undefined)
      if (!db) continue
      idb[name!] = {}
      for (const s of Array.from(db.objectStoreNames)) idb[name!][s] = await req(db.transaction(s).objectStore(s).getAll())
      db.close()
    }
    const area = (s: Storage) => Object.fromEntries(Object.keys(s).map((k) => [k, s.getItem(k)!]))
    return {
      indexedDB: idb,
      localStorage: area(localStorage),
      sessionStorage: area(sessionStorage),
      cookie: document.cookie,
      caches: typeof caches == 'object' ? await caches.keys() : [],
    }
  })

/** The same shape, empty: what a page must hold when footfall may not store anything. */
export const NOTHING: Stored = { indexedDB: {}, localStorage: {}, sessionStorage: {}, cookie: '', caches: [] }
