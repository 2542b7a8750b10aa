/**
 * The dashboard's "now": `?asOf=` on its own URL (a date: local midnight starting it; or a date
 * and time), else the browser's clock. With asOf the page is the report as it was that day: the
 * collector answers from the events before it, and the ranges and the week in progress follow it.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

const parse = (v: string | null): number | undefined => {
  if (!v) return undefined
  const m = DATE.exec(v)
  const t = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() : /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN
  return Number.isFinite(t) ? t : undefined
}

/** `asOf` exactly as the page's URL gives it (passed on to the collector), when it is a readable date. */
export const asOf: string | undefined = (() => {
  const v = new URLSearchParams(location.search).get('asOf')
  return parse(v) === undefined ? undefined : v!
})()

const pinned = parse(asOf ?? null)

/** Now, for this page: asOf when given, else the clock. */
export const now = (): number => pinned ?? Date.now()
