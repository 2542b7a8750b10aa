import { boot } from '../lib/lazy'
import { start } from '../vitals-impl'

// dist/footfall-vitals.js: web-vitals and the events made of its metrics.
boot(start)
