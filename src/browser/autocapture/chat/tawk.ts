import type { Adapter } from '.'

/**
 * tawk.to: callbacks are properties of `Tawk_API`; `onChatMaximized` runs when the chat opens.
 * The site may set the same property before or after us: an accessor keeps its handler and ours.
 */
export const tawk: Adapter = [
  'Tawk_API',
  (api, open) => {
    let site = api.onChatMaximized
    Object.defineProperty(api, 'onChatMaximized', {
      configurable: true,
      enumerable: true,
      get: () => (...a: unknown[]) => {
        open()
        if (typeof site == 'function') site(...a)
      },
      set: (f) => (site = f),
    })
  },
]
