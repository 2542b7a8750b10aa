import type { Ctx } from '../tracker'

export type Start = (t: Ctx) => void
/** Adds the optional part `name` to the page; settles once it ran, or could not be loaded (an `error` event says so). */
export type Loader = (t: Ctx, name: string) => Promise<void>

const failed = (t: Ctx, name: string) => t.emit('error', { message: 'no footfall-' + name })

/**
 * The script tag's loader: `footfall-<name>.js` from beside the core's own file, added as a plain
 * script element (fine under `script-src 'self'`) that carries the context, so no global is needed.
 */
export const script: Loader = (t, name) =>
  new Promise((done) => {
    const fail = () => (failed(t, name), done())
    try {
      const s = document.createElement('script')
      // Throws under Trusted Types.
      s.src = new URL(`footfall-${name}.js`, t.options.src).href
      ;(s as { ff?: Ctx } & HTMLScriptElement).ff = t
      s.onload = done as () => void
      s.onerror = fail
      document.head.append(s)
    } catch {
      fail()
    }
  })

/** The ES module build's loader: each part is a dynamic import, which bundlers turn into a chunk. */
export const chunks =
  (parts: Record<string, () => Promise<Start>>): Loader =>
  (t, name) =>
    parts[name]().then(
      (start) => start(t),
      () => failed(t, name),
    )

/** The script-tag side: a part's file runs this with the context the core put on its element. */
export const boot = (start: Start): void => {
  const s = document.currentScript as ({ ff?: Ctx } & HTMLScriptElement) | null
  const t = s?.ff
  // The element lets go of the context: nothing on the page keeps a way into the tracker.
  if (t) delete s.ff, start(t)
}
