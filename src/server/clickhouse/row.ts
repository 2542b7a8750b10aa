/**
 * One stored message as a row of ClickHouse's `events` table (a JSONEachRow line): its KPI
 * facts from kpi/event.ts, computed here in JS once, so ClickHouse and the embedded store count
 * the same things.
 */
import { createHash } from 'node:crypto'
import { factOf, type KpiEvent } from '../../kpi/event'

const str = (v: unknown): string => (typeof v === 'string' ? v.toWellFormed() : '')

/** The `events` row of one message as a JSON line, or undefined for something that is not a message. */
export const rowOf = (e: KpiEvent & Record<string, unknown>): string | undefined => {
  const f = factOf(e)
  if (!f) return undefined
  // The collector gives every message an id; a file from elsewhere may not: one from its content.
  const id = f.id || 'h-' + createHash('sha256').update(JSON.stringify(e)).digest('hex').slice(0, 32)
  const received = Date.parse(str(e.receivedAt))
  const properties = e.properties && typeof e.properties === 'object' ? JSON.stringify(e.properties) : '{}'
  return JSON.stringify({
    message_id: id,
    site: str(e.writeKey),
    ts: f.t,
    received_at: Number.isNaN(received) ? 0 : received,
    type: str(e.type),
    event: str(e.event),
    session_key: f.session.toWellFormed(),
    visitor: f.visitor.toWellFormed(),
    user_id: str(e.userId),
    kind: f.kind,
    engaged_ms: f.engagedMs,
    channel: f.channel.toWellFormed(),
    campaign: f.campaign.toWellFormed(),
    source: f.source.toWellFormed(),
    medium: f.medium.toWellFormed(),
    path: str(e.context?.page?.path),
    properties: properties.toWellFormed(),
    traffic: f.traffic.toWellFormed(),
  })
}

/** Rows for a batch, one line each. */
export const rowsOf = (batch: Iterable<KpiEvent>): string => {
  let out = ''
  for (const e of batch) {
    const row = rowOf(e as KpiEvent & Record<string, unknown>)
    if (row) out += row + '\n'
  }
  return out
}
