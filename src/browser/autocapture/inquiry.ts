import type { Ctx } from '../tracker'
import type { Props } from '../../shared/types'

/** Contact links: the scheme is the inquiry method (`mailto`, `tel`, `sms`, `whatsapp`), and WhatsApp's web links are `whatsapp` too. */
const LINK = /^(mailto|tel|sms|whatsapp):|^https?:\/\/(wa\.me|api\.whatsapp\.com|web\.whatsapp\.com)\//i

/**
 * What an inquiry element says about itself, never what a visitor typed: a form's `id` and `name`
 * attributes (read with getAttribute: `form.id` would return a field named "id"), or a contact
 * link's method and target (the address or number, without the prefilled subject or text).
 */
export function inquiryOf(el: Element): Props {
  if (el.tagName == 'FORM') return { method: 'form', form_id: el.getAttribute('id') || undefined, form_name: el.getAttribute('name') || undefined }
  const href = el.getAttribute('href') || ''
  const m = LINK.exec(href)
  return m
    ? { method: (m[1] || 'whatsapp').toLowerCase(), target: /[?&]phone=([^&#]+)/.exec(href)?.[1] || href.split(/[?#]/)[0].replace(/^([a-z]+:)\/*/i, '') }
    : { method: 'custom' }
}

/** Clicks on mailto:, tel:, sms: and WhatsApp links are inquiries. Marked links are left to declarative capture. */
export const inquiry = (t: Ctx, e: Event): void => {
  const a = e.type == 'click' && (e.target as Element).closest?.('a[href]')
  const p = a && !a.closest('[data-ff-event]') && inquiryOf(a)
  if (p && p.method != 'custom') t.track('inquiry', p)
}
