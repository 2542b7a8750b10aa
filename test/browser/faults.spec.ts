import { sound, test, expect } from '../../bench/faults/harness'
import { scenarios } from '../../bench/faults/scenarios'

// The most telling rows of the fault matrix (`npm run faults`), at small sizes: each fails if an
// event is lost or stored twice by the reference collector.
const fast = [
  '200 with an HTML body (captive portal, 10 s)',
  'connection reset mid-response (stored, never acknowledged)',
  'queue overflow: 5,600 events while the collector is down',
  'renderer crash (chrome://crash), then a new visit',
  'IndexedDB quota exceeded on write',
  'client clock 2 days behind',
  'ten tabs tracking at once',
]

test.describe('fault matrix (fast subset)', () => {
  for (const name of fast)
    test(name, async ({ page, context, browser, server, ep }) => {
      const row = await scenarios[name]({ page, context, browser, server, ep }, false)
      sound(row)
      expect(row.delivered).toBeGreaterThan(0)
    })
})
