import { attributes } from '../lib/attributes'
import type { Ctx } from '../tracker'
import { inquiryOf } from './inquiry'

/**
 * `data-ff-event` markup: a click on (or inside) a marked element, or the submit of a marked form,
 * is tracked with the element's `data-ff-*` attributes as properties. The innermost marked
 * element wins. Handles one click or submit event (see `clicks`).
 */
export const declarative = (t: Ctx, e: Event): void => {
  const el = e.target as Element
  // A marked form counts on submit, not on every click inside it.
  const m = e.type == 'submit' ? el.matches?.('[data-ff-event]') && el : el.closest?.('[data-ff-event]')
  if (!m || (e.type == 'click' && m.tagName == 'FORM')) return
  const name = m.getAttribute('data-ff-event')!
  const p = attributes(m)
  t.track(name, name == 'inquiry' ? { ...inquiryOf(m), ...p } : name == 'chat_open' ? { provider: 'custom', ...p } : p)
}
