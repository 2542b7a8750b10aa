import type { Ctx } from '../../tracker'
import { crisp } from './crisp'
import { drift } from './drift'
import { hubspot } from './hubspot'
import { intercom } from './intercom'
import { livechat } from './livechat'
import { tawk } from './tawk'
import { tidio } from './tidio'
import { zendesk } from './zendesk'

/** Reports one opening of the widget. */
export type Open = () => void

/**
 * How to hear a vendor's widget open: the window global its snippet or script defines, the
 * function that subscribes through the vendor's documented API, and optionally the document
 * event the vendor fires when that global becomes usable.
 */
export type Adapter = [global: string, attach: (api: any, open: Open) => void, ready?: string]

export const ADAPTERS: Record<string, Adapter> = { intercom, crisp, tawk, hubspot, zendesk, drift, livechat, tidio }

/**
 * `chat_open` with `provider` each time a supported chat widget opens. Widgets load late (after
 * consent, on first interaction), so each global is watched with a setter on window: the adapter
 * attaches the moment the vendor defines it, before any code can open the widget, and attaches
 * once per widget object.
 */
export function chat(t: Ctx): void {
  const w = window as any
  for (const provider in ADAPTERS) {
    const [name, attach, ready] = ADAPTERS[provider]
    let last = 0
    let seen: unknown
    // Some vendors report one opening twice (Drift's chatOpen and legacy sidebarOpen).
    // (`last` on the left is the previous opening's time, read before the assignment.)
    const open = () => {
      if (last < (last = Date.now()) - 1e3) t.track('chat_open', { provider })
    }
    const go = (v: unknown, again?: boolean) => {
      if (!v || v === seen) return
      try {
        attach(v, open)
        seen = v
      } catch {
        // A snippet may assign its global before it adds the methods (Drift's): retry once it finished.
        again || queueMicrotask(() => go(v, true))
      }
    }
    let v = w[name]
    try {
      Object.defineProperty(w, name, {
        configurable: true,
        enumerable: true,
        get: () => v,
        set: (x) => go((v = x)),
      })
    } catch {}
    go(v)
    if (ready) document.addEventListener(ready, () => go(w[name]))
  }
}
