import type { Adapter } from '.'

/** Crisp: `$crisp.push(['on', 'chat:opened', cb])`, queued by the `$crisp = []` of the snippet until Crisp loads. */
export const crisp: Adapter = ['$crisp', (c, open) => c.push(['on', 'chat:opened', open])]
