import { parts } from '../lib/lazy'

// ES module build only: each optional part becomes a chunk of its own, fetched when it starts.
parts.vitals = () => import('../vitals-impl').then((m) => m.start)
parts.chat = () => Promise.all([import('../autocapture/clicks'), import('../autocapture/chat')]).then(([c, m]) => (t) => (c.clicks(t), m.chat(t)))
parts.datalayer = () => import('../autocapture/datalayer').then((m) => m.datalayer)
parts.platform = () => import('../platform').then((m) => m.platform)
