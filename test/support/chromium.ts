import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'

/** Chromium for the browser tests: CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own. */
export function chromiumPath(): string | undefined {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && existsSync(p)) return p
  try {
    const own = chromium.executablePath()
    if (existsSync(own)) return undefined
  } catch {}
  throw new Error(
    'No Chromium found for the browser tests. Install one: `apt-get install chromium` (Debian), ' +
      'or set CHROMIUM_PATH to a Chromium/Chrome binary, or run `npx playwright install chromium`.',
  )
}

/** Flags that keep Chromium quiet and local on CI machines without a GPU, sandbox or network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
]
