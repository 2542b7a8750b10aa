import type { Adapter } from '.'

/** Zendesk Messaging: `zE('messenger:on', 'open', cb)` runs when the messaging Web Widget opens. */
export const zendesk: Adapter = ['zE', (zE, open) => zE('messenger:on', 'open', open)]
