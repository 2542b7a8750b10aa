/**
 * Calendar intervals in a time zone: days, and ISO weeks (Monday first), as epoch-ms
 * boundaries. A day is midnight to midnight on the site's wall clock, so DST days are
 * 23 or 25 hours long and DST weeks 167 or 169.
 */

export type Interval = 'day' | 'week'

const DAY = 86_400_000
const formats = new Map<string, Intl.DateTimeFormat>()

/** Whether `tz` is an IANA time zone this runtime knows. */
export const isTimeZone = (tz: string): boolean => {
  try {
    format(tz)
    return true
  } catch {
    return false
  }
}

const format = (tz: string) => {
  let f = formats.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    })
    formats.set(tz, f)
  }
  return f
}

/** Wall-clock fields of an instant in `tz`, as a UTC timestamp of the same fields. */
const wall = (tz: string, t: number): number => {
  const p: Record<string, number> = {}
  for (const { type, value } of format(tz).formatToParts(t)) if (type !== 'literal') p[type] = Number(value)
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
}

/** The zone's offset from UTC at an instant, ms (wall − UTC). */
export const offsetAt = (tz: string, t: number): number => wall(tz, Math.floor(t / 1000) * 1000) - Math.floor(t / 1000) * 1000

/** The instant a wall-clock time in `tz` names (given as a UTC timestamp of the same fields). */
const fromWall = (tz: string, wallTime: number): number => {
  const first = wallTime - offsetAt(tz, wallTime)
  return wallTime - offsetAt(tz, first)
}

/** The instant of local midnight starting the wall-clock day `day` (a UTC-midnight timestamp of that date). */
const midnight = fromWall

/** The local date of an instant, as the UTC midnight of that date. */
const dateOf = (tz: string, t: number): number => Math.floor(wall(tz, t) / DAY) * DAY

/**
 * Boundaries of the whole intervals that cover [from, to): b0 ≤ from < … < bn, bn ≥ to.
 * At most `max` intervals; undefined when more would be needed.
 */
export const boundaries = (interval: Interval, tz: string, from: number, to: number, max = 4000): number[] | undefined => {
  let day = dateOf(tz, from)
  // 1970-01-01 was a Thursday: days since then, mod 7, from Monday.
  if (interval === 'week') day -= (((day / DAY + 3) % 7) + 7) % 7 * DAY
  const step = interval === 'week' ? 7 * DAY : DAY
  const out = [midnight(tz, day)]
  while (out[out.length - 1] < to) {
    if (out.length > max) return undefined
    day += step
    out.push(midnight(tz, day))
  }
  if (out.length === 1) out.push(midnight(tz, day + step))
  return out
}

/** An instant as ISO 8601 with the zone's offset: `2026-03-30T00:00:00+02:00`. */
export const localIso = (tz: string, t: number): string => {
  const off = offsetAt(tz, t)
  const abs = Math.abs(off) / 60_000
  const sign = off < 0 ? '-' : '+'
  const hh = String(Math.floor(abs / 60)).padStart(2, '0')
  const mm = String(abs % 60).padStart(2, '0')
  return new Date(t + off).toISOString().slice(0, 19) + sign + hh + ':' + mm
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/

/**
 * An instant named by a person in the site's zone: epoch ms; an ISO 8601 date (`2026-12-07`:
 * local midnight starting that day in `tz`); a date and time without an offset (wall time in
 * `tz`); or with `Z` / an offset (that instant). NaN when unreadable.
 */
export const instantIn = (tz: string, text: string): number => {
  const s = text.trim()
  if (/^-?\d+$/.test(s)) return Number(s)
  const m = LOCAL.exec(s)
  if (!m) return /^\d{4}-\d{2}-\d{2}T/.test(s) ? Date.parse(s) : NaN
  const [y, mo, d, hh = '0', mi = '0', ss = '0', ms = '0'] = m.slice(1)
  const wallTime = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(hh), Number(mi), Number(ss), Number(ms.padEnd(3, '0')))
  // 2026-02-31 is not a date: Date.UTC would roll it into March.
  if (new Date(wallTime).getUTCDate() !== Number(d) || Number(mo) > 12 || Number(hh) > 23) return NaN
  return fromWall(tz, wallTime)
}
