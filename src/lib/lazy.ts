import type { Ctx } from '../tracker'
import { onLoad } from './onLoad'

export type Start = (t: Ctx) => void

/** The ES module build fills this with dynamic imports, which bundlers turn into chunks. */
export const parts: Record<string, () => Promise<Start>> = {}

/**
 * Starts the optional part `name` (web vitals, chat adapters, dataLayer bridge) without making
 * the core bigger: a dynamic import in the ES module build, else `footfall-<name>.js` from beside
 * the core's own file, added as a plain script element (fine under `script-src 'self'`) that
 * carries the context, so no global is needed. `afterLoad` keeps it off the page's own loading.
 */
export function lazy(t: Ctx, name: string, afterLoad?: boolean): void {
  const fail = () => t.emit('error', { message: 'no footfall-' + name })
  const load = () => {
    try {
      if (parts[name]) return void parts[name]().then((start) => start(t), fail)
      const s = document.createElement('script')
      // Throws without a script URL (an ES module build without parts) or under Trusted Types.
      s.src = new URL(`footfall-${name}.js`, t.options.src).href
      ;(s as { ff?: Ctx } & HTMLScriptElement).ff = t
      s.onerror = fail
      document.head.append(s)
    } catch {
      fail()
    }
  }
  afterLoad ? onLoad(load) : load()
}

/** The script-tag side: a part's file runs this with the context the core put on its element. */
export const boot = (start: Start): void => {
  const t = (document.currentScript as { ff?: Ctx } | null)?.ff
  if (t) start(t)
}
