import type { Ctx } from '../tracker'

export type Start = (t: Ctx) => void
/** Adds the optional part `name` to the page; settles once it ran, or could not be loaded (see `failed`). */
export type Loader = (t: Ctx, name: string) => Promise<void>

/** What a page goes without when a part is missing, for the warning. */
const WHAT: Record<string, string> = { vitals: 'web_vitals', platform: 'shop add_to_cart', datalayer: 'dataLayer events' }

/**
 * A part that cannot be loaded (a file not uploaded, a 404, a blocked request) or throws as it
 * starts: one console warning naming the file and what the page goes without, an `error` event,
 * and one `footfall_dropped` report (count 0: nothing recorded was lost, a capture is missing) so
 * that the site owner sees it at the collector. The KPI report ignores it. Each part loads once a page.
 */
const failed = (t: Ctx, name: string, part = `footfall-${name}.js`) => {
  t.warn(`${part} not loaded: no ${WHAT[name]}`)
  t.track('footfall_dropped', { count: 0, reason: 'part_unavailable', part })
}

/**
 * The script tag's loader: `footfall-<name>.js` from beside the core's own file, a module whose
 * default export starts the part. A dynamic `import()`: allowed by `script-src 'self'`, by a
 * nonce with `'strict-dynamic'` (the request carries the core's nonce) and under Trusted Types,
 * and no global is needed. From another origin the files must be served with CORS (as CDNs do).
 */
// (`part`: the file's name, worked out once.)
export const script: Loader = (t, name, part = `footfall-${name}.js`) =>
  // (A core inlined in the page has no URL of its own: the page's is tried, not a throw.)
  import(new URL(part, t.options.src || location.href).href)
    .then((m: { default: Start }) => m.default(t))
    .catch(() => failed(t, name, part))

/** The ES module build's loader: each part is a dynamic import, which bundlers turn into a chunk. */
export const chunks =
  (parts: Record<string, () => Promise<Start>>): Loader =>
  (t, name) =>
    parts[name]()
      .then((start) => start(t))
      .catch(() => failed(t, name))
