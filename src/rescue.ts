import { stringify } from './lib/json'
import type { Entry } from './store'

const PREFIX = 'ff_rescue_'

/**
 * The last resort of the unload path. IndexedDB writes still under way when a page unloads are
 * aborted, and the keepalive budget (64 KB) may not carry everything; localStorage writes are
 * synchronous, so those events are copied there and moved into the queue on the next page load.
 * One key per page, so tabs closing together do not overwrite each other.
 */
export function createRescue() {
  const key = PREFIX + Date.now() + Math.random()
  const keys = () => Object.keys(localStorage).filter((k) => k.startsWith(PREFIX))
  return {
    save(list: Entry[]) {
      try {
        if (list.length) localStorage.setItem(key, stringify(list))
      } catch {}
    },
    drop() {
      try {
        localStorage.removeItem(key)
      } catch {}
    },
    /** Every page's rescued entries, removed from localStorage. */
    take(): Entry[] {
      const out: Entry[] = []
      try {
        for (const k of keys()) {
          out.push(...(JSON.parse(localStorage.getItem(k)!) as Entry[]))
          localStorage.removeItem(k)
        }
      } catch {}
      return out
    },
  }
}
