import { chunks } from '../lib/lazy'

// ES module build only: each optional part becomes a chunk of its own, fetched when it starts.
export const load = chunks({
  vitals: () => import('../vitals-impl').then((m) => m.start),
  datalayer: () => import('../autocapture/datalayer').then((m) => m.datalayer),
  platform: () => import('../platform').then((m) => m.platform),
})
