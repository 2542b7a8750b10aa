import { record, sound, test } from './harness'
import { scenarios } from './scenarios'

// One row of the matrix per scenario, at full size. A row that lost anything fails.
for (const [name, run] of Object.entries(scenarios))
  test(name, async ({ page, context, browser, server, ep }) => {
    const row = await run({ page, context, browser, server, ep }, true)
    record(row)
    sound(row)
  })
