import { stringify } from './lib/json'

/**
 * A list a page leaves behind in localStorage as it goes away (localStorage writes are
 * synchronous, so they survive an unload that aborts IndexedDB writes), for the next page to take.
 * One key per page (`prefix` + a page id), so tabs closing together do not overwrite each other.
 * Used for the events an unloading page could not store (`ff_rescue_`, moved into the queue on the
 * next page load) and for the keys of events it sent with keepalive (`ff_kept_`, see queue.ts).
 */
export function createRescue<T>(prefix: string) {
  const key = prefix + Date.now() + Math.random()
  return {
    /** Leaves `list` for the next page; an empty list leaves nothing. */
    save(list: T[]) {
      try {
        list.length ? localStorage.setItem(key, stringify(list)) : localStorage.removeItem(key)
      } catch {}
    },
    /** Every page's lists, joined, removed from localStorage. */
    take(): T[] {
      const out: T[] = []
      try {
        for (const k of Object.keys(localStorage))
          if (k.startsWith(prefix)) {
            out.push(...(JSON.parse(localStorage.getItem(k)!) as T[]))
            localStorage.removeItem(k)
          }
      } catch {}
      return out
    },
  }
}
