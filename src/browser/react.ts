import { createElement, Fragment, useEffect, type ReactNode } from 'react'
import { consent, flush, identify, init, page, track, type Options } from 'footfall'

/**
 * footfall for React: `<FootfallProvider options={…}>` around the app starts it in the browser,
 * `useTrack()` and `useFootfall()` give the SDK's own functions. Route changes need nothing here:
 * the SDK counts history-API navigations itself (React Router, Next.js App Router), once each.
 */

/** Set once footfall started: StrictMode runs effects twice, and a hot reload runs them again. */
let started = false

/** Starts footfall once, in the browser, with the options of `init()`; renders its children. */
export function FootfallProvider(props: { options: Options; children?: ReactNode }) {
  // An effect never runs on the server, so nothing here touches window there.
  useEffect(() => {
    if (!started) (started = true), init(props.options)
  }, [])
  return createElement(Fragment, null, props.children)
}

/** `track(name, properties)`: the same function on every render. Calls before the provider started are queued. */
export const useTrack = (): typeof track => track

const api = { consent, identify, flush, page }

/** `{ consent, identify, flush, page }`: the same object on every render. */
export const useFootfall = (): typeof api => api
