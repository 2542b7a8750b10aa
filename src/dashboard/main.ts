/**
 * The dashboard page: per KPI the weekly series by channel with the baseline band, the commitment
 * line and change points; the commitment report grouped by ownership, with exports; campaigns and
 * the latest events. Everything from the collector's reading endpoints, everything shown as text.
 */
import { chart, type Chart } from './chart'
import { h } from './dom'
import { annotationsBlock, savedBlock } from './contract'
import { loadAnnotations, loadCommitments, loadEvents, loadHealth, loadReport, loadSeries, type Annotation, type Answer, type Commitment, type Health, type NotYet, type SeriesPoint } from './data'
import { copy, download, toCsv, toMarkdown, type Table } from './export'
import { KPIS, formatValue, kpiDef } from './kpis'
import { pickers, rangeOf, readView, writeView } from './pickers'
import { asOf, now } from './now'
import { CLASSES, campaignTable, commitmentEl, commitmentTable, eventsTable, gapsText, tableEl, weeksTable } from './table'
import { sitePicker } from './sites'
import { scopeLabel, weeksOf } from './weeks'

const root = document.getElementById('dashboard')!
const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
let view = readView()
let charts: Chart[] = []
let loads = 0
let retry: ReturnType<typeof setTimeout> | undefined
let notes: Annotation[] = []
const annotations = annotationsBlock(() => void load())
const saved = savedBlock(tz, asOf)

const el = {
  pickers: h('div', { class: 'bar' }),
  silent: h('div', { id: 'silent' }),
  status: h('div', { class: 'status', id: 'status', role: 'status', 'aria-live': 'polite' }),
  commitments: h('div', { id: 'commitments' }),
  kpis: h('div', { class: 'kpis', id: 'kpis' }),
  left: h('p', { class: 'sub', id: 'left-out' }),
  campaigns: h('div', { id: 'campaigns' }),
  events: h('div', { id: 'events' }),
}

root.append(
  h('header', { class: 'top' },
    h('h1', {}, 'KPIs and commitments'),
    h('p', { class: 'sub' }, `Weeks start on Monday, ${tz}. The week in progress is shown but never counted.`,
      asOf ? h('strong', { id: 'as-of' }, ` As of ${asOf}: the report as it was then, from the events before it.`) : null),
    h('button', { type: 'button', class: 'btn', id: 'refresh', onclick: () => void load() }, 'Refresh')),
  el.pickers,
  el.silent,
  el.status,
  h('section', { class: 'block', 'aria-labelledby': 'h-commit' }, h('h2', { id: 'h-commit' }, 'Commitments for the next 4 weeks'), el.commitments),
  h('section', { class: 'block', 'aria-labelledby': 'h-saved' }, h('h2', { id: 'h-saved' }, 'Saved commitments and their review'), saved.el),
  h('section', { class: 'block', 'aria-labelledby': 'h-kpis' }, h('h2', { id: 'h-kpis' }, 'KPIs by week'), el.kpis, el.left),
  h('section', { class: 'block', 'aria-labelledby': 'h-notes' }, h('h2', { id: 'h-notes' }, 'Annotations'), annotations.el),
  h('section', { class: 'block', 'aria-labelledby': 'h-camp' }, h('h2', { id: 'h-camp' }, 'Campaigns in the range'), el.campaigns),
  h('section', { class: 'block', 'aria-labelledby': 'h-events' }, h('h2', { id: 'h-events' }, 'Latest events'), el.events),
)

const notYet = (a: Answer<unknown>): a is NotYet => a.notYet === true
/** replaceChildren, skipping what is not there. */
const fill = (el: Element, ...children: (Node | null | false)[]) => el.replaceChildren(...children.filter((c): c is Node => !!c))

/** Export buttons for a table: copy as markdown, download markdown and CSV. */
const exports = (name: string, table: () => Table, markdown: () => string = () => toMarkdown(table())) => {
  const said = h('span', { class: 'said', role: 'status' })
  return h('div', { class: 'exports', 'data-export': name },
    h('button', { type: 'button', class: 'btn', 'data-format': 'copy-md', onclick: async () => {
      said.textContent = (await copy(markdown())) ? 'Copied as markdown.' : 'The clipboard is not available here: download instead.'
    } }, 'Copy markdown'),
    h('button', { type: 'button', class: 'btn', 'data-format': 'md', onclick: () => download(`${name}.md`, markdown(), 'text/markdown;charset=utf-8') }, 'Markdown'),
    h('button', { type: 'button', class: 'btn', 'data-format': 'csv', onclick: () => download(`${name}.csv`, '\ufeff' + toCsv(table()), 'text/csv;charset=utf-8') }, 'CSV'),
    said)
}

const showProgress = (a: NotYet) => {
  const p = a.progress
  fill(el.status,
    h('p', {}, a.repair ? 'The KPI store failed its checks: rebuilding it from the stored events…' : p ? 'Building the KPI store from the stored events…' : `Waiting for the collector: ${a.message}`),
    p ? h('progress', { max: Math.max(1, p.files.total), value: p.files.done }) : null,
    p ? h('p', { class: 'sub', id: 'progress' }, `${p.files.done} of ${p.files.total} day files, ${p.events.toLocaleString('en-US')} events${p.eta ? `, about ${p.eta} s left` : ''}`) : null,
    a.repair?.setAside ? h('p', { class: 'sub' }, `The damaged database is kept beside the new one as ${a.repair.setAside}.`) : null,
  )
  el.status.classList.add('busy')
}

/** Channels seen in the range, most sessions first. */
const channelsOf = (points: SeriesPoint[]): string[] => {
  const total = new Map<string, number>()
  for (const p of points) for (const [c, m] of Object.entries(p.byChannel)) total.set(c, (total.get(c) ?? 0) + m.sessions)
  return [...total].sort((a, b) => b[1] - a[1]).map(([c]) => c)
}

/** What the charts do not count: sessions of crawlers, automation, spam, per class (the series counts people only). */
const leftOut = (points: SeriesPoint[]): string => {
  const by = new Map<string, number>()
  for (const p of points) for (const [k, n] of Object.entries(p.filtered ?? {})) by.set(k, (by.get(k) ?? 0) + n)
  const seen = [...by].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1])
  const n = seen.reduce((sum, [, k]) => sum + k, 0)
  return `${n.toLocaleString('en-US')} session${n === 1 ? '' : 's'} from crawlers and automation left out` +
    (n ? ` (${seen.map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')})` : '') + '. The KPIs count people only.'
}

const reportMarkdown = (rows: Commitment[]) =>
  `# KPI commitments\n\nNext 4 weeks, weeks in ${tz}, ${asOf ? `as of ${asOf}` : `generated ${new Date(now()).toISOString().slice(0, 10)}`}.\n` +
  CLASSES.map(([cls, label, why]) => {
    const of = rows.filter((r) => r.class === cls)
    return of.length ? `\n## ${label}\n\n${why}\n\n${toMarkdown(commitmentTable(of, { scope: true, how: true }))}` : ''
  }).join('')

const renderCommitments = (answer: Answer<Commitment[]>) => {
  if (!answer.ok) {
    const why = notYet(answer) ? answer.message : answer.status === 404 ? 'this collector has no commitment report (GET /commitments answered 404)' : answer.message
    return el.commitments.replaceChildren(h('p', { class: 'note' }, `No commitments: ${why}.`))
  }
  const all = answer.value
  const mine = all.filter((r) => r.scope === view.scope)
  fill(el.commitments,
    h('p', { class: 'sub' }, `${scopeLabel(view.scope)}: what each KPI is promised to reach or exceed in each of the next 4 weeks, and how often that promise held when tested on this history. How each was computed is beside its chart; the exports hold it too, for every channel.`),
    ...CLASSES.map(([cls, label, why]) => {
      const rows = mine.filter((r) => r.class === cls)
      return rows.length ? h('div', { class: 'group', 'data-class': cls }, h('h3', {}, label), h('p', { class: 'sub' }, why), commitmentEl(rows)) : null
    }),
    mine.length ? null : h('p', { class: 'note' }, `No commitment rows for ${scopeLabel(view.scope)}.`),
    exports('commitments', () => commitmentTable(all, { scope: true, class: true, how: true }), () => reportMarkdown(all)),
  )
}

const summary = (c: Commitment | undefined) => {
  if (!c) return h('p', { class: 'sum' }, 'No commitment for this KPI and channel.')
  const kind = kpiDef(c.kpi).kind
  return h('div', { class: 'sum' },
    h('span', { class: `badge ${c.status}` }, c.status),
    c.commitment === null ? ' No commitment yet. ' : [' Commit to ', h('strong', {}, `≥ ${formatValue(kind, c.commitment)}`), ' a week. '],
    c.status === 'stale' ? h('strong', { class: 'stale' }, `Data missing since ${c.gaps?.at(-1)?.from.slice(0, 10) ?? 'the last weeks'}. `) : '',
    c.hitRate === null ? '' : `Held ${formatValue('rate', c.hitRate)} of ${c.weeks} backtested weeks` +
      (typeof c.hitRateLow === 'number' ? ` (at least ${formatValue('rate', c.hitRateLow)} with 95 % confidence). ` : '. '),
    c.gaps?.length ? `Missing data, left out: ${gapsText(c)}. ` : '',
    c.changePoints.length ? `Level shift ${c.changePoints.map((s) => s.slice(0, 10)).join(', ')}. ` : '',
    c.note ? h('details', { class: 'how' }, h('summary', {}, 'How this was computed'), h('p', {}, c.note)) : null)
}

const renderKpis = (points: SeriesPoint[], channels: string[], commitments: Commitment[]) => {
  for (const c of charts) c.destroy()
  charts = []
  const cards = KPIS.map((kpi) => {
    const c = commitments.find((r) => r.kpi === kpi.key && r.scope === view.scope)
    const weeks = weeksOf(kpi, points, view.scope, channels, c, now())
    const plot = chart(kpi, weeks, view.scope, channels, notes, annotations.pick)
    charts.push(plot)
    const table = weeksTable(kpi.kind, weeks, view.scope, channels)
    return h('article', { class: 'card', 'data-kpi': kpi.key },
      h('h3', {}, kpi.label),
      summary(c),
      h('figure', { 'aria-label': `${kpi.label} by week, chart; the same numbers are in the table below` }, plot.el),
      h('details', { class: 'numbers' }, h('summary', {}, 'Table of the numbers'), tableEl(table), exports(`${kpi.key}-${view.scope}`, () => table)))
  })
  el.kpis.replaceChildren(...cards)
}

const render = (points: SeriesPoint[], commitments: Answer<Commitment[]>, report: Awaited<ReturnType<typeof loadReport>>, events: Awaited<ReturnType<typeof loadEvents>>) => {
  const channels = channelsOf(points)
  if (view.scope !== 'overall' && !channels.includes(view.scope)) channels.push(view.scope)
  el.pickers.replaceChildren(pickers(view, channels, (v) => {
    view = v
    writeView(v)
    void load()
  }))
  const sessions = points.reduce((n, p) => n + p.overall.sessions, 0)
  el.status.classList.remove('busy')
  el.status.replaceChildren(
    points.length && sessions
      ? h('p', {}, `${points.length} weeks from ${points[0].start.slice(0, 10)}, ${sessions.toLocaleString('en-US')} sessions.`)
      : h('p', { class: 'note' }, 'No sessions in this range yet. In the demo, “Load a year of sample history” fills it.'),
  )
  renderCommitments(commitments)
  renderKpis(points, channels, commitments.ok ? commitments.value : [])
  el.left.textContent = leftOut(points)
  if (report.ok) {
    const t = campaignTable(report.value)
    el.campaigns.replaceChildren(t.rows.length ? tableEl(t) : h('p', { class: 'note' }, 'No campaigns in this range.'), exports('campaigns', () => t))
  } else el.campaigns.replaceChildren(h('p', { class: 'note' }, `Not available: ${report.message}.`))
  if (events.ok) el.events.replaceChildren(h('p', { class: 'sub' }, 'As they arrived, from visitors’ URLs: shown as text, never as links.'), tableEl(eventsTable(events.value)))
  else el.events.replaceChildren(h('p', { class: 'note' }, `Not available: ${events.message}.`))
}

/** A banner per site gone silent: most shops learn weeks too late that tracking broke. */
const renderSilent = (health: Answer<Health>) => {
  const silent = health.ok ? (health.value.silent ?? []) : []
  fill(el.silent, ...silent.map((s) =>
    h('p', { class: 'banner', role: 'alert', 'data-site': s.site },
      h('strong', {}, `No events since ${new Date(s.since).toLocaleString()}`),
      ` from ${s.site || 'events without a site'}: longer than this site is ever quiet (${s.normalDays} days). Tracking or collection may have stopped.`)))
}

async function load() {
  const id = ++loads
  clearTimeout(retry)
  root.setAttribute('aria-busy', 'true')
  const range = rangeOf(view)
  // As of a day: nothing after it, in the campaigns either.
  if (asOf) range.to = Math.min(range.to ?? now(), now())
  const [series, commitments, report, events, noted] = await Promise.all([loadSeries(range, tz, asOf), loadCommitments(tz, asOf), loadReport(range), loadEvents(50), loadAnnotations()])
  notes = noted.ok ? noted.value : []
  annotations.render(noted)
  // Asked once the store has answered: until then /health cannot name silent sites.
  if (series.ok) renderSilent(await loadHealth(tz, asOf))
  if (id !== loads) return
  // The store is building (or catching up after a restart): show how far, ask again shortly.
  const waiting = [series, commitments, report].find(notYet)
  if (waiting && (notYet(series) || waiting.progress)) {
    showProgress(waiting)
    retry = setTimeout(() => void load(), Math.min(2, waiting.retryAfter) * 1000)
    return
  }
  if (!series.ok) {
    el.status.replaceChildren(h('p', { class: 'note' }, `The weekly series is not available: ${series.message}.`))
    root.setAttribute('aria-busy', 'false')
    return
  }
  render(series.value, commitments, report, events)
  await saved.refresh()
  root.setAttribute('aria-busy', 'false')
}

writeView(view)
// The sites this login may read: a picker in the header when there are several.
void sitePicker().then((picker) => picker && root.querySelector('header.top')?.append(picker))
void load()
