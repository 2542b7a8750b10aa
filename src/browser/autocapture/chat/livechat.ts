import type { Adapter } from '.'

/** LiveChat: `LiveChatWidget.on('visibility_changed', cb)`; the widget opened when visibility becomes `maximized`. */
export const livechat: Adapter = ['LiveChatWidget', (lc, open) => lc.on('visibility_changed', (d: { visibility?: string }) => d?.visibility == 'maximized' && open())]
