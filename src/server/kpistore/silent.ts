/**
 * Which sites have gone silent: tracking removed from a theme, a collector down, a consent
 * banner that never says yes. Most shops learn weeks too late; `/health` and the dashboard say
 * it on the day it becomes unusual for that site.
 *
 * The rule: a site is silent when its last event is older than
 * max(2 days, 3 × its longest run of days without events in the 28 days before now). A shop
 * with events every day is silent after 2 quiet days; one that is quiet every weekend (2 days)
 * after 6.
 */
import type { SiteActivity } from './engine'

export interface Silent {
  /** The site's writeKey ('' for events stored without one). */
  site: string
  /** Its last event before now (ISO 8601, UTC). */
  since: string
  /** Days of silence its recent history makes normal; silent beyond them. */
  normalDays: number
}

/** Days looked back to learn what is normal for a site. */
export const WINDOW_DAYS = 28
const MIN_DAYS = 2
const DAY = 86_400_000

/** Sites whose silence at `now` is longer than their recent history makes normal. */
export const silentSites = (activity: readonly SiteActivity[], now: number): Silent[] =>
  activity.flatMap((a) => {
    let longest = 0
    for (let i = 1; i < a.days.length; i++) longest = Math.max(longest, a.days[i] - a.days[i - 1] - 1)
    const normalDays = Math.max(MIN_DAYS, 3 * longest)
    return now - a.last > normalDays * DAY ? [{ site: a.site, since: new Date(a.last).toISOString(), normalDays }] : []
  })
