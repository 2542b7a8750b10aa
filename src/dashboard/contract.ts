/**
 * The commitment in the contract: the site's annotations (a form to add one, a table to delete
 * them) and saved commitments (save the current one, list, open one with its weekly review and
 * the markdown appendix to download). Every text anyone typed is shown as text.
 */
import { CLASS_WORDS } from '../kpi/commitments'
import { h } from './dom'
import { addAnnotation, deleteAnnotation, loadSaved, openSaved, saveCommitment, savedUrl, type Annotation, type Answer, type Saved, type SavedHead } from './data'
import { formatValue, kpiDef } from './kpis'
import { scopeLabel } from './weeks'

const message = (a: Answer<unknown>) => (a.ok ? '' : a.message)

const KIND_WORDS: Record<Annotation['kind'], string> = {
  change: 'change (a known level shift from this day)',
  exclude: 'exclude (not the site’s truth: a gap)',
  note: 'note (drawn, changes nothing)',
}

/**
 * The annotations block: the form fills its date from a click on any chart (`pick`); adding or
 * deleting calls `changed` (the page reloads its reports: a change is a change point at once).
 */
export const annotationsBlock = (changed: () => void) => {
  const said = h('p', { class: 'said', role: 'status', id: 'annotation-said' })
  const date = h('input', { type: 'date', name: 'date', required: true, id: 'annotation-date' })
  const until = h('input', { type: 'date', name: 'until', id: 'annotation-until' })
  const kind = h('select', { name: 'kind', id: 'annotation-kind' }, (['change', 'exclude', 'note'] as const).map((k) => h('option', { value: k }, KIND_WORDS[k])))
  const note = h('input', { type: 'text', name: 'note', maxlength: 2000, id: 'annotation-note', placeholder: 'What happened (relaunch, consent banner, outage…)' })
  const list = h('div', { id: 'annotations-list' })
  const form = h('form', { class: 'pickers annotate', id: 'annotate' },
    h('label', { class: 'pick' }, 'From', date),
    h('label', { class: 'pick' }, 'Until (exclude only)', until),
    h('label', { class: 'pick' }, 'Kind', kind),
    h('label', { class: 'pick wide' }, 'Note', note),
    h('button', { type: 'submit', class: 'btn' }, 'Add annotation'))
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    const made = await addAnnotation({ date: date.value, ...(until.value ? { until: until.value } : {}), kind: kind.value as Annotation['kind'], note: note.value })
    said.textContent = made.ok ? `Added: ${made.value.kind} ${made.value.date}.` : `Not added: ${message(made)}.`
    if (made.ok) {
      note.value = ''
      until.value = ''
      changed()
    }
  })
  const render = (answer: Answer<Annotation[]>) => {
    if (!answer.ok) return list.replaceChildren(h('p', { class: 'note' }, `Annotations not available: ${answer.message}.`))
    if (!answer.value.length) return list.replaceChildren(h('p', { class: 'sub' }, 'No annotations yet. Click a chart to take its day.'))
    list.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'annotations' },
      h('thead', {}, h('tr', {}, ['From', 'Until', 'Kind', 'Note', ''].map((c) => h('th', { scope: 'col', class: 'text' }, c)))),
      h('tbody', {}, answer.value.map((a) =>
        h('tr', { 'data-id': a.id, 'data-kind': a.kind },
          h('td', { class: 'text' }, a.date),
          h('td', { class: 'text' }, a.until ?? '—'),
          h('td', { class: 'text' }, a.kind),
          h('td', { class: 'text note-text' }, a.note || '—'),
          h('td', {}, h('button', { type: 'button', class: 'btn', 'data-delete': a.id, onclick: async () => {
            const done = await deleteAnnotation(a.id)
            said.textContent = done.ok ? `Deleted: ${a.kind} ${a.date}.` : `Not deleted: ${message(done)}.`
            if (done.ok) changed()
          } }, 'Delete'))))))))
  }
  return {
    el: h('div', {}, h('p', { class: 'sub' }, 'Known events the numbers cannot say: a change starts a new baseline, an exclusion is left out like missing data, a note is only drawn. Click a chart to take its day.'), form, said, list),
    render,
    pick(day: string) {
      date.value = day
      date.focus()
    },
  }
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`

/** A plain table of text cells; the first column heads its row. */
const textTable = (cls: string, head: string[], rows: { attrs?: Record<string, string>; cells: string[] }[]) =>
  h('div', { class: 'table-wrap' }, h('table', { class: cls },
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col', class: 'text' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', r.attrs ?? {}, r.cells.map((c, j) => h(j ? 'td' : 'th', { class: 'text', ...(j ? {} : { scope: 'row' }) }, c)))))))

const COLORS: Record<string, string> = { met: '#1a7f37', missed: '#cf222e', excluded: '#afb8c1', pending: '#d0d7de', '—': '#d0d7de' }

/**
 * One row's review as a small chart: a bar per committed week (green met, red missed, grey
 * excluded or pending) and the floor as a dashed line; its words are the canvas's label.
 */
const reviewChart = (weeks: Saved['review'], label: string) => {
  const W = 300, H = 110, pad = 6
  const c = h('canvas', { class: 'review-chart', width: W * devicePixelRatio, height: H * devicePixelRatio, role: 'img',
    'aria-label': `${label}: ${weeks.map((w) => `${w.start.slice(0, 10)} ${result(w)}`).join(', ')}` })
  const ctx = c.getContext('2d')
  if (!ctx) return c
  ctx.scale(devicePixelRatio, devicePixelRatio)
  const floor = weeks[0]?.floor ?? 0
  const top = Math.max(floor, ...weeks.map((w) => w.actual ?? 0)) * 1.1 || 1
  const y = (v: number) => H - pad - (v / top) * (H - 2 * pad)
  const step = (W - 2 * pad) / Math.max(1, weeks.length)
  weeks.forEach((w, i) => {
    ctx.fillStyle = COLORS[result(w)]
    if (w.actual !== null) ctx.fillRect(pad + i * step + step * 0.15, y(w.actual), step * 0.7, H - pad - y(w.actual))
  })
  ctx.strokeStyle = '#1f2328'
  ctx.setLineDash([6, 4])
  ctx.beginPath()
  ctx.moveTo(pad, y(floor))
  ctx.lineTo(W - pad, y(floor))
  ctx.stroke()
  return c
}

const result = (w: Saved['review'][number]) => (w.flags.includes('in-progress') ? 'pending' : w.flags.includes('gap') ? 'excluded' : w.met === null ? '—' : w.met ? 'met' : 'missed')

/** The saved commitments block: save the current commitment, list, open one with its review. */
export const savedBlock = (tz: string, asOf: string | undefined) => {
  const said = h('p', { class: 'said', role: 'status', id: 'saved-said' })
  const name = h('input', { type: 'text', name: 'name', maxlength: 200, required: true, id: 'saved-name', placeholder: 'e.g. Q1 contract with the client' })
  const list = h('div', { id: 'saved-list' })
  const opened = h('div', { id: 'saved-review' })
  const form = h('form', { class: 'pickers', id: 'save-commitment' },
    h('label', { class: 'pick wide' }, 'Name', name),
    h('button', { type: 'submit', class: 'btn' }, 'Save this commitment'))
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    const made = await saveCommitment(name.value, tz, asOf)
    said.textContent = made.ok ? `Saved “${made.value.name}”: frozen as computed ${made.value.asOf.slice(0, 10)}.` : `Not saved: ${message(made)}.`
    if (made.ok) {
      name.value = ''
      await refresh()
      await show(made.value.id)
    }
  })
  const show = async (id: string) => {
    const s = await openSaved(id)
    if (!s.ok) return opened.replaceChildren(h('p', { class: 'note' }, `Cannot open it: ${s.message}.`))
    const v = s.value
    const floors = v.rows.filter((r) => r.commitment !== null)
    const first = v.rows.flatMap((r) => r.history.map((x) => x.start)).sort()[0]
    opened.replaceChildren(
      h('h3', {}, v.name),
      h('p', { class: 'sub' }, `Site ${v.site ?? '(the only one)'} · data from ${first?.slice(0, 10) ?? '—'} to ${v.asOf.slice(0, 10)} (weeks in ${v.tz}) · given ${v.asOf.slice(0, 10)} from the data before that day · saved ${v.createdAt.slice(0, 10)}.`),
      h('h4', {}, 'Floors'),
      floors.length
        ? textTable('floors', ['KPI', 'Scope', 'Class', 'Floor, each week', 'Confidence', 'Held when backtested (95 % low)'], floors.map((r) => ({
            cells: [kpiDef(r.kpi).label, scopeLabel(r.scope), CLASS_WORDS[r.class] ?? r.class, `≥ ${formatValue(kpiDef(r.kpi).kind, r.commitment)}`, pct(v.confidence),
              r.hitRate === null ? '—' : `${pct(r.hitRate)} of ${r.weeks} wk` + (typeof r.hitRateLow === 'number' ? ` (≥ ${pct(r.hitRateLow)})` : '')],
          })))
        : h('p', { class: 'note' }, 'No floor was given in this commitment.'),
      h('details', { class: 'how' }, h('summary', {}, 'Method, row by row'), h('ol', {}, floors.map((r) => h('li', {}, `${kpiDef(r.kpi).label}, ${scopeLabel(r.scope)}: ${r.note}`)))),
      h('h4', {}, 'Annotations in force'),
      v.inForce.length
        ? h('ul', { class: 'in-force' }, v.inForce.map((a) => h('li', {}, `${a.date}${a.until ? ` to ${a.until}` : ''} · ${a.kind} · `, h('span', { class: 'note-text' }, a.note))))
        : h('p', { class: 'sub' }, 'None.'),
      h('h4', {}, 'Review'),
      h('p', { class: 'sub' }, 'Met, missed, excluded (missing data or annotated) or pending, week by week.'),
      h('ul', { class: 'summary' }, v.summary.map((x) => h('li', {}, `${kpiDef(x.kpi).label}, ${scopeLabel(x.scope)}: ${x.text}`))),
      // All traffic as charts (the floor dashed, a bar per week); every scope in the table below.
      h('div', { class: 'review-charts' }, floors.filter((r) => r.scope === 'overall').map((r) =>
        h('figure', {}, reviewChart(v.review.filter((w) => w.kpi === r.kpi && w.scope === r.scope), kpiDef(r.kpi).label), h('figcaption', {}, kpiDef(r.kpi).label)))),
      v.review.length
        ? textTable('review', ['Week of', 'KPI', 'Scope', 'Floor', 'Actual', 'Result', 'Flags'], v.review.map((w) => {
            const kind = kpiDef(w.kpi).kind
            return {
              attrs: { 'data-result': result(w), 'data-kpi': w.kpi, 'data-scope': w.scope },
              cells: [w.start.slice(0, 10), kpiDef(w.kpi).label, scopeLabel(w.scope), formatValue(kind, w.floor), formatValue(kind, w.actual), result(w), w.flags.join(', ') || '—'],
            }
          }))
        : h('p', { class: 'sub' }, 'Nothing to review.'),
      h('p', { class: 'actions' },
        h('a', { href: savedUrl(v.id, 'md'), download: `${v.id}.md`, class: 'btn' }, 'Download the contract appendix (markdown)'), ' ',
        h('a', { href: savedUrl(v.id, 'csv'), download: `${v.id}.csv`, class: 'btn' }, 'CSV'), ' ',
        // Printing shows this commitment alone (dashboard.css, @media print).
        h('button', { type: 'button', class: 'btn', id: 'print-appendix', onclick: () => {
          document.documentElement.classList.add('print-appendix')
          addEventListener('afterprint', () => document.documentElement.classList.remove('print-appendix'), { once: true })
          print()
        } }, 'Print')),
    )
  }
  const refresh = async () => {
    const all = await loadSaved()
    if (!all.ok) return list.replaceChildren(h('p', { class: 'note' }, `Saved commitments not available: ${all.message}.`))
    if (!all.value.length) return list.replaceChildren(h('p', { class: 'sub' }, 'None saved yet.'))
    list.replaceChildren(h('ul', { class: 'saved' }, all.value.map((s: SavedHead) =>
      h('li', { 'data-id': s.id },
        h('button', { type: 'button', class: 'btn', onclick: () => void show(s.id) }, 'Open'), ' ',
        h('strong', {}, s.name), ` · given ${s.asOf.slice(0, 10)} · saved ${s.createdAt.slice(0, 10)}`))))
  }
  return {
    el: h('div', {}, h('p', { class: 'sub' }, 'Freeze the commitment above (as it stands now) to put it in a contract; open it later to see, week by week, whether it held.'), form, said, list, opened),
    refresh,
  }
}
