import { lazy } from './vitals'

// ES module build only: bundlers turn this into a chunk fetched when vitals start.
lazy.load = () => import('./vitals-impl')
