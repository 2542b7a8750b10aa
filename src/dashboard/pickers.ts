/**
 * The channel and date-range pickers. Their state lives in the page's query string
 * (`?scope=Email&from=2026-01-05&to=2026-06-28`), so a view can be bookmarked and shared.
 */
import { h } from './dom'
import type { Range } from './data'
import { now } from './now'

export interface View {
  /** `overall` or a channel name. */
  scope: string
  /** Local dates, YYYY-MM-DD, both inclusive; empty: open. */
  from: string
  to: string
}

const DAY = 86_400_000
const PRESETS: [string, number][] = [['13 weeks', 13], ['26 weeks', 26], ['1 year', 52], ['2 years', 104], ['All', 0]]
const DATE = /^\d{4}-\d{2}-\d{2}$/

const isoDate = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
/** Local midnight of a YYYY-MM-DD date, in the browser's zone (the zone the series is asked in). */
const midnight = (date: string, plusDays = 0) => {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(y, m - 1, d + plusDays).getTime()
}

const weeksBack = (weeks: number): Pick<View, 'from' | 'to'> =>
  weeks ? { from: isoDate(new Date(now() - (weeks * 7 - 1) * DAY)), to: '' } : { from: '', to: '' }

export const readView = (): View => {
  const q = new URLSearchParams(location.search)
  const date = (k: string) => (DATE.test(q.get(k) ?? '') ? q.get(k)! : '')
  const fallback = q.has('from') || q.has('to') ? { from: date('from'), to: date('to') } : weeksBack(52)
  return { scope: q.get('scope') || 'overall', ...fallback }
}

export const writeView = (v: View) => {
  const q = new URLSearchParams(location.search)
  q.set('scope', v.scope)
  q.set('from', v.from)
  q.set('to', v.to)
  history.replaceState(null, '', `${location.pathname}?${q}`)
}

/** The range as the collector takes it: epoch ms, `to` exclusive. */
export const rangeOf = (v: View): Range => ({
  from: v.from ? midnight(v.from) : undefined,
  to: v.to ? midnight(v.to, 1) : undefined,
})

/** The picker bar. `channels` are the names seen in the data; `onChange` gets the new view. */
export const pickers = (view: View, channels: string[], onChange: (v: View) => void): HTMLElement => {
  const scope = h('select', { id: 'pick-scope', 'aria-label': 'Channel' },
    h('option', { value: 'overall' }, 'All traffic'),
    channels.map((c) => h('option', { value: c }, c)))
  scope.value = channels.includes(view.scope) ? view.scope : 'overall'
  const from = h('input', { type: 'date', id: 'pick-from', 'aria-label': 'From', value: view.from })
  const to = h('input', { type: 'date', id: 'pick-to', 'aria-label': 'To', value: view.to })
  const changed = () => onChange({ scope: scope.value, from: from.value, to: to.value })
  scope.addEventListener('change', changed)
  from.addEventListener('change', changed)
  to.addEventListener('change', changed)
  const preset = (label: string, weeks: number) => {
    const r = weeksBack(weeks)
    const on = r.from === view.from && r.to === view.to
    return h('button', { type: 'button', class: 'seg' + (on ? ' on' : ''), 'aria-pressed': String(on), 'data-weeks': weeks,
      onclick: () => onChange({ scope: scope.value, ...r }) }, label)
  }
  return h('form', { class: 'pickers', id: 'pickers', onsubmit: (e) => e.preventDefault() },
    h('label', { class: 'pick' }, h('span', {}, 'Channel'), scope),
    h('div', { class: 'pick' }, h('span', {}, 'Weeks'), h('div', { class: 'segs', role: 'group', 'aria-label': 'Range' }, PRESETS.map(([l, w]) => preset(l, w)))),
    h('label', { class: 'pick' }, h('span', {}, 'From'), from),
    h('label', { class: 'pick' }, h('span', {}, 'To'), to),
  )
}
