import type { Ctx } from '../tracker'
import { declarative } from './declarative'
import { inquiry } from './inquiry'

/**
 * Click and submit capture: declarative markup and contact links. It lives in the lazy part the
 * core adds at start (with the chat adapters), so the core keeps the clicks and submits made
 * before the part arrived (`t.early`); they are counted first, in order. One listener per event
 * type on `window`, in the capture phase: elements added later count too, and an app's
 * stopPropagation cannot hide them.
 */
export function clicks(t: Ctx): void {
  const handlers = [declarative(t), inquiry(t)]
  const on = (e: Event) => handlers.forEach((h) => h(e))
  t.early?.forEach(on)
  t.early = undefined
  addEventListener('click', on, true)
  addEventListener('submit', on, true)
}
