import { lazy } from './vitals'

// ES module build only: a dynamic import, which bundlers make a chunk fetched when vitals start.
lazy.load = (t, fail) => void import('./vitals-impl').then((m) => m.start(t), fail)
