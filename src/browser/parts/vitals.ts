import { start } from '../vitals-impl'

// dist/footfall-vitals.js: web-vitals and the events made of its metrics.
export default start
