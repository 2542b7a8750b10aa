import type { Adapter } from '.'

/** Tidio: `tidioChatApi.on('open', cb)`. The API appears when Tidio fires `tidioChat-ready` on document. */
export const tidio: Adapter = ['tidioChatApi', (api, open) => api.on('open', open), 'tidioChat-ready']
