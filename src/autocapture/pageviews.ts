import type { Ctx } from '../tracker'

/** A page view on load. */
export function pageviews(t: Ctx): void {
  t.page()
}
