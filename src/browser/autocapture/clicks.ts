import type { Ctx } from '../tracker'
import { declarative } from './declarative'
import { inquiry } from './inquiry'

/**
 * Click and submit capture: declarative markup and contact links. One listener per event type on
 * `window`, in the capture phase: elements added later count too, and an app's stopPropagation
 * cannot hide them.
 */
export function clicks(t: Ctx): void {
  const on = (e: Event) => (declarative(t, e), inquiry(t, e))
  addEventListener('click', on, true)
  addEventListener('submit', on, true)
}
