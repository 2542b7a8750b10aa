import type { Adapter } from '.'

/** Intercom Messenger: `Intercom('onShow', cb)` runs each time the Messenger opens. The snippet's stub queues the call. */
export const intercom: Adapter = ['Intercom', (ic, open) => ic('onShow', open)]
