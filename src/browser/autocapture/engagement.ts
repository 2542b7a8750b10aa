import { onLoad } from '../lib/onLoad'
import type { Ctx } from '../tracker'

/**
 * No input for this long and the visitor is taken to have gone: time stops accruing. The
 * stretch up to it still counts, since reading without touching anything is engagement.
 */
export const IDLE_MS = 30e3

/** Signs of a visitor (pointer events cover mouse, pen and touch; scrolling covers wheels and swipes); focus and visibility changes re-check the state. */
const INPUTS = ['focus', 'blur', 'visibilitychange', 'keydown', 'pointerdown', 'pointermove', 'scroll']

/**
 * One `engagement` event when a page view ends: `engaged_ms`, time the page was visible and
 * focused with input in the last IDLE_MS, and `scroll_depth`, the largest share of the page
 * that has been in view (0–100).
 *
 * Hiding the page ends what it has accrued: it may never come back (mobile kills hidden tabs),
 * so the event leaves with the keepalive send. If the visitor returns, the time accrued after
 * that is sent when the page view ends again, and never twice: the events of one page view add up.
 */
export function engagement(t: Ctx): void {
  const now = () => performance.now()
  /** Engaged time not reported yet; start of the current engaged stretch (0: paused), which is also the last input. */
  let total = 0
  let since = 0
  let depth = 0
  let frame = 0
  /** This page view has sent its event. */
  let sent = false

  const measure = () => {
    frame = 0
    const h = document.documentElement.scrollHeight
    depth = Math.max(depth, Math.min(100, Math.round(((scrollY + innerHeight) / h) * 100)))
  }
  // Layout is read once per frame at most, never inside the scroll handler itself.
  const later = () => (frame ||= requestAnimationFrame(measure))

  /**
   * Closes the current stretch (no later than IDLE_MS after its start: every input closes one) and
   * opens a new one if engaged.
   */
  const poke = () => {
    const n = now()
    if (since) total += Math.min(n - since, IDLE_MS)
    // hasFocus() stays true while focus is in one of the page's iframes (a video, a chat widget).
    since = document.visibilityState == 'visible' && document.hasFocus() ? n : 0
  }

  const end = () => {
    poke()
    const ms = Math.round(total)
    // The first end of a page view always reports (even 0 ms); later ones only new time.
    if (ms || !sent) t.track('engagement', { engaged_ms: ms, scroll_depth: depth })
    total = 0
    sent = true
  }

  for (const type of INPUTS) addEventListener(type, type == 'scroll' ? () => (poke(), later()) : poke, { capture: true, passive: true })
  // Hidden: the page cannot be seen, so a layout read costs the visitor nothing here. pagehide
  // can come before visibilityState turns hidden: nothing accrues until the visitor is back.
  t.on('hidden', () => {
    measure()
    end()
    since = 0
  })
  t.on('pageend', () => {
    end()
    sent = false
    depth = 0
    later()
  })
  poke()
  onLoad(later)
}
