import type { App } from 'vue'
import { consent, flush, identify, init, page, track, type Options } from 'footfall'

/**
 * footfall for Vue: `app.use(footfall, options)` starts it in the browser, `useTrack()` gives
 * `track`. Route changes need nothing here: the SDK counts history-API navigations itself (Vue
 * Router), once each.
 */

/** Set once footfall started: an app mounted again (tests, hot reload) does not start it twice. */
let started = false

/** The plugin: `app.use(footfall, { endpoint, site })`. On the server it does nothing. */
const plugin = {
  install(_app: App, options: Options): void {
    if (!started && typeof window != 'undefined') (started = true), init(options)
  },
}
export default plugin

/** `track(name, properties)`. Calls before the plugin started are queued. */
export const useTrack = (): typeof track => track

const api = { consent, identify, flush, page }

/** `{ consent, identify, flush, page }`. */
export const useFootfall = (): typeof api => api
