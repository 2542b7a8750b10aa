/**
 * One KPI's weekly chart (uPlot, drawn on a canvas): the chosen scope as a bold line, its
 * channels as thin ones, the week in progress as a hollow point, the baseline band and the commitment line
 * over the forecast weeks, change points as vertical marks, and weeks of missing data as a shaded
 * stretch with no line (their values are null, never 0). Annotations: a rule for a `change`, a
 * grey band for an `exclude`, a marker for a `note`, their text as the tooltip where the pointer
 * is. A click on the chart offers its day to `onPick` (to annotate it). Resizes with its box.
 */
import uPlot from 'uplot'
import { colorOf, FOCUS } from './colors'
import type { Annotation } from './data'
import { h } from './dom'
import { formatValue, type KpiDef } from './kpis'
import { scopeLabel, type Week } from './weeks'

export interface Chart {
  el: HTMLElement
  destroy(): void
}

const HEIGHT = 230

const DAY_S = 86_400

/** An annotation's stretch in uPlot's seconds: [first day, day after the last). */
const spanOf = (a: Annotation): [number, number] => {
  const from = Date.parse(`${a.date}T00:00:00Z`) / 1000
  return [from, Date.parse(`${a.until ?? a.date}T00:00:00Z`) / 1000 + DAY_S]
}

export const chart = (kpi: KpiDef, weeks: Week[], scope: string, channels: string[], notes: readonly Annotation[] = [], onPick?: (day: string) => void): Chart => {
  const el = document.createElement('div')
  el.className = 'chart'
  const fmt = (_u: uPlot, v: number | null) => formatValue(kpi.kind, v)
  const inProgress = weeks.findIndex((w) => !w.complete && w.value !== null)
  const xs = weeks.map((w) => w.t)
  const value = weeks.map((w) => (w.complete ? w.value : null))
  // The week in progress is a point of its own: a line to it would read as a fall.
  const partial = weeks.map((w, i) => (i === inProgress ? w.value : null))
  const pick = (f: (w: Week) => number | null) => weeks.map(f)
  const hasForecast = weeks.some((w) => w.baseline !== null)
  const hasCommitment = weeks.some((w) => w.commitment !== null)
  const changePoints = weeks.filter((w) => w.changePoint).map((w) => w.t)
  // Runs of gap weeks as [from, to) in uPlot's seconds; the last week of a run ends at the next week's start.
  const gaps: [number, number][] = []
  weeks.forEach((w, i) => {
    if (!w.gap) return
    const to = weeks[i + 1]?.t ?? w.t + 7 * 86_400
    const last = gaps.at(-1)
    if (last && last[1] === w.t) last[1] = to
    else gaps.push([w.t, to])
  })

  const data: (number | null)[][] = [xs, value, partial]
  const series: uPlot.Series[] = [
    {},
    { label: scopeLabel(scope), stroke: FOCUS, width: 2.25, value: fmt, points: { show: false } },
    { label: 'this week so far', stroke: FOCUS, width: 1.5, value: fmt, paths: () => null, points: { show: true, size: 7, fill: '#fff' } },
  ]
  const bands: uPlot.Band[] = []
  if (hasForecast) {
    data.push(pick((w) => w.high), pick((w) => w.low), pick((w) => w.baseline))
    series.push(
      { label: 'high', stroke: 'rgba(11,61,145,.35)', width: 1, value: fmt, points: { show: false } },
      { label: 'low', stroke: 'rgba(11,61,145,.35)', width: 1, value: fmt, points: { show: false } },
      { label: 'baseline', stroke: '#57606a', width: 1.5, dash: [2, 3], value: fmt, points: { show: false } },
    )
    bands.push({ series: [3, 4], fill: 'rgba(11,61,145,.12)' })
  }
  if (hasCommitment) {
    data.push(pick((w) => w.commitment))
    series.push({ label: 'commitment', stroke: '#cf222e', width: 2, dash: [8, 4], value: fmt, points: { show: false } })
  }
  if (scope === 'overall')
    for (const ch of channels) {
      data.push(weeks.map((w) => (w.complete ? (w.byChannel[ch] ?? null) : null)))
      // Channel rates cross each other every week: drawn on demand (legend), counts drawn at once.
      series.push({ label: ch, stroke: colorOf(ch), width: 1, value: fmt, points: { show: false }, show: kpi.kind === 'count' })
    }

  const drawChangePoints = (u: uPlot) => {
    const ctx = u.ctx
    ctx.save()
    ctx.strokeStyle = '#bc4c00'
    ctx.fillStyle = '#bc4c00'
    ctx.lineWidth = 1.5 * devicePixelRatio
    ctx.setLineDash([3 * devicePixelRatio, 3 * devicePixelRatio])
    ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`
    for (const t of changePoints) {
      const x = Math.round(u.valToPos(t, 'x', true))
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue
      ctx.beginPath()
      ctx.moveTo(x, u.bbox.top)
      ctx.lineTo(x, u.bbox.top + u.bbox.height)
      ctx.stroke()
      ctx.fillText('shift', x + 3 * devicePixelRatio, u.bbox.top + 11 * devicePixelRatio)
    }
    ctx.restore()
  }

  const drawGaps = (u: uPlot) => {
    if (!gaps.length) return
    const ctx = u.ctx
    ctx.save()
    ctx.fillStyle = 'rgba(207,34,46,.10)'
    ctx.strokeStyle = 'rgba(207,34,46,.45)'
    ctx.lineWidth = devicePixelRatio
    ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`
    const left = u.bbox.left, right = u.bbox.left + u.bbox.width
    for (const [from, to] of gaps) {
      const x0 = Math.max(left, u.valToPos(from, 'x', true)), x1 = Math.min(right, u.valToPos(to, 'x', true))
      if (x1 <= x0) continue
      ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height)
      ctx.strokeRect(x0, u.bbox.top, x1 - x0, u.bbox.height)
      ctx.fillStyle = '#cf222e'
      ctx.fillText('no data', x0 + 3 * devicePixelRatio, u.bbox.top + u.bbox.height - 5 * devicePixelRatio)
      ctx.fillStyle = 'rgba(207,34,46,.10)'
    }
    ctx.restore()
  }

  const drawNotes = (u: uPlot) => {
    if (!notes.length) return
    const ctx = u.ctx
    const px = devicePixelRatio
    const left = u.bbox.left, right = u.bbox.left + u.bbox.width, top = u.bbox.top
    ctx.save()
    for (const a of notes) {
      const [from, to] = spanOf(a)
      const x0 = u.valToPos(from, 'x', true)
      if (a.kind === 'exclude') {
        const x1 = Math.min(right, u.valToPos(to, 'x', true)), x = Math.max(left, x0)
        if (x1 <= x) continue
        ctx.fillStyle = 'rgba(87,96,106,.16)'
        ctx.fillRect(x, top, Math.max(x1 - x, 2 * px), u.bbox.height)
        continue
      }
      if (x0 < left || x0 > right) continue
      ctx.strokeStyle = ctx.fillStyle = '#8250df'
      if (a.kind === 'change') {
        ctx.lineWidth = 2 * px
        ctx.beginPath()
        ctx.moveTo(x0, top)
        ctx.lineTo(x0, top + u.bbox.height)
        ctx.stroke()
      } else {
        // A note: a small triangle on the top edge.
        ctx.beginPath()
        ctx.moveTo(x0 - 5 * px, top)
        ctx.lineTo(x0 + 5 * px, top)
        ctx.lineTo(x0, top + 8 * px)
        ctx.closePath()
        ctx.fill()
      }
    }
    ctx.restore()
  }

  /** The annotations at the pointer (within half a week of a mark), as one line of text each. */
  const notesAt = (t: number) =>
    notes
      .filter((a) => {
        const [from, to] = spanOf(a)
        return a.kind === 'exclude' ? t >= from && t < to : Math.abs(t - from) < 3.5 * DAY_S
      })
      .map((a) => `${a.kind} ${a.date}${a.until ? ` to ${a.until}` : ''}: ${a.note}`)
      .join('\n')

  const width = () => Math.max(260, el.clientWidth || 600)
  const opts: uPlot.Options = {
    width: width(),
    height: HEIGHT,
    series,
    bands,
    scales: {
      x: { time: true },
      // Counts and rates read from zero: a band near the top must not look like a cliff.
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      { stroke: '#57606a', grid: { stroke: '#eaeef2' }, ticks: { stroke: '#d0d7de' } },
      { stroke: '#57606a', grid: { stroke: '#eaeef2' }, ticks: { stroke: '#d0d7de' }, size: 58, values: (_u, splits) => splits.map((v) => formatValue(kpi.kind, v)) },
    ],
    cursor: { drag: { x: false, y: false } },
    // Our own legend below: compact, wraps at phone width, and leaves the band's edges out.
    legend: { show: false },
    hooks: {
      drawClear: [drawGaps],
      draw: [drawChangePoints, drawNotes],
      // The tooltip is the overlay's title: text, whatever a note holds.
      setCursor: [(u) => {
        const left = u.cursor.left ?? -1
        u.over.title = left < 0 ? '' : notesAt(u.posToVal(left, 'x'))
      }],
    },
  }
  const plot = new uPlot(opts, data as uPlot.AlignedData, el)
  el.dataset.annotations = String(notes.length)
  if (onPick)
    plot.over.addEventListener('click', () => {
      const left = plot.cursor.left ?? -1
      if (left >= 0) onPick(new Date(plot.posToVal(left, 'x') * 1000).toISOString().slice(0, 10))
    })
  const legend = h('ul', { class: 'legend' })
  series.forEach((s, i) => {
    const label = String(s.label ?? '')
    if (!i || label === 'high' || label === 'low' || (i === 2 && inProgress < 0)) return
    const swatch = h('i', { class: 'swatch' + (s.dash ? ' dashed' : i === 2 ? ' dot' : '') })
    // CSSOM, not a style attribute: allowed under style-src 'self'.
    swatch.style.borderColor = String(s.stroke)
    const item = h('button', { type: 'button', 'aria-pressed': String(s.show !== false), title: 'Show or hide' }, swatch, label === 'baseline' ? 'baseline band' : label)
    item.addEventListener('click', () => {
      const show = item.getAttribute('aria-pressed') !== 'true'
      item.setAttribute('aria-pressed', String(show))
      plot.setSeries(i, { show })
      if (label === 'baseline') for (const j of [3, 4]) plot.setSeries(j, { show })
    })
    legend.append(h('li', {}, item))
  })
  el.dataset.gaps = String(gaps.length)
  if (notes.length) legend.append(h('li', { class: 'gap-key' }, h('i', { class: 'swatch note' }), 'annotations (point at them for the text)'))
  if (gaps.length) {
    const swatch = h('i', { class: 'swatch gap' })
    legend.append(h('li', { class: 'gap-key' }, swatch, 'no data (tracking or collection stopped)'))
  }
  el.append(legend)
  // A plot drawn before the box has its width: re-measure once attached, and on every resize.
  const resize = new ResizeObserver(() => {
    const w = width()
    if (w !== plot.width) plot.setSize({ width: w, height: HEIGHT })
  })
  resize.observe(el)
  return {
    el,
    destroy() {
      resize.disconnect()
      plot.destroy()
    },
  }
}
