import type { Ctx } from '../tracker'

export type Start = (t: Ctx) => void
/** Adds the optional part `name` to the page; settles once it ran, or could not be loaded (an `error` event says so). */
export type Loader = (t: Ctx, name: string) => Promise<void>

const failed = (t: Ctx, name: string) => t.emit('error', { message: 'no footfall-' + name })

/**
 * The script tag's loader: `footfall-<name>.js` from beside the core's own file, a module whose
 * default export starts the part. A dynamic `import()`: allowed by `script-src 'self'`, by a
 * nonce with `'strict-dynamic'` (the request carries the core's nonce) and under Trusted Types,
 * and no global is needed. From another origin the files must be served with CORS (as CDNs do).
 * A part that cannot be loaded or throws as it starts is reported, and the promise still settles.
 */
export const script: Loader = (t, name) =>
  // (A core inlined in the page has no URL of its own: the page's is tried, not a throw.)
  import(new URL(`footfall-${name}.js`, t.options.src || location.href).href)
    .then((m: { default: Start }) => m.default(t))
    .catch(() => failed(t, name))

/** The ES module build's loader: each part is a dynamic import, which bundlers turn into a chunk. */
export const chunks =
  (parts: Record<string, () => Promise<Start>>): Loader =>
  (t, name) =>
    parts[name]()
      .then((start) => start(t))
      .catch(() => failed(t, name))
