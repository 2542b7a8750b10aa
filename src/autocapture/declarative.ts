import { attributes } from '../lib/attributes'
import type { Ctx } from '../tracker'
import { inquiryOf } from './inquiry'

/**
 * `data-ff-event` markup: a click on (or inside) a marked element, or the submit of a marked form,
 * is tracked with the element's `data-ff-*` attributes as properties. One listener on the window
 * for each, in the capture phase, so elements added later count too and an app's stopPropagation
 * cannot hide them. The innermost marked element wins.
 */
export function declarative(t: Ctx): void {
  const fire = (el: Element) => {
    const name = el.getAttribute('data-ff-event')!
    const p = attributes(el)
    t.track(name, name == 'inquiry' ? { ...inquiryOf(el), ...p } : name == 'chat_open' ? { provider: 'custom', ...p } : p)
  }
  addEventListener(
    'click',
    (e) => {
      const el = (e.target as Element).closest?.('[data-ff-event]')
      // A marked form counts on submit, not on every click inside it.
      if (el && el.tagName != 'FORM') fire(el)
    },
    true,
  )
  addEventListener(
    'submit',
    (e) => {
      const f = e.target as Element
      if (f.matches?.('[data-ff-event]')) fire(f)
    },
    true,
  )
}
