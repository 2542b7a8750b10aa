import { datalayer } from '../autocapture/datalayer'
import { boot } from '../lib/lazy'

// dist/footfall-datalayer.js: the GA4 dataLayer bridge.
boot(datalayer)
