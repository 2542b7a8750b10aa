import type { Adapter } from '.'

/**
 * Drift: `drift.on('chatOpen', cb)` (current widget) and `'sidebarOpen'` (legacy widget). The
 * snippet's stub queues `on` calls until the widget is ready, so they are made at once.
 */
export const drift: Adapter = [
  'drift',
  (d, open) => {
    d.on('chatOpen', open)
    d.on('sidebarOpen', open)
  },
]
