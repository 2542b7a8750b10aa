import type { Adapter } from '.'

/**
 * HubSpot conversations: `window.HubSpotConversations` appears when the widget API is ready. Its
 * events have no "opened": the visitor opening the widget is `userInteractedWithWidget`, and the
 * site opening it is `widget.open()`. `widgetClosed` ends that opening.
 */
export const hubspot: Adapter = [
  'HubSpotConversations',
  (hs, open) => {
    let shown = false
    const show = () => shown || ((shown = true), open())
    hs.on('userInteractedWithWidget', show)
    hs.on('widgetClosed', () => (shown = false))
    const w = hs.widget
    const f = w.open
    w.open = (...a: unknown[]) => (show(), f.apply(w, a))
  },
]
