import type { Props } from '../shared/types'

const MAX_DEPTH = 8

/**
 * A JSON-safe deep copy of user props: functions, symbols and undefined dropped,
 * BigInt → string, Date → ISO string, cycles → "[Circular]", anything deeper than 8 levels cut.
 * `__proto__` keys are skipped so a copy can never change a prototype.
 */
export function sanitize(v: unknown, parents: unknown[] = []): unknown {
  if (typeof v == 'bigint') return '' + v
  if (typeof v == 'function' || typeof v == 'symbol') return undefined
  if (typeof v == 'number') return isFinite(v) ? v : null
  if (!v || typeof v != 'object') return v
  if (v instanceof Date) return isNaN(+v) ? null : v.toISOString()
  if (parents.includes(v)) return '[Circular]'
  // The objects above this one: the cycle check, and the depth.
  if (parents.length >= MAX_DEPTH) return '[Truncated]'
  parents.push(v)
  let out: unknown
  if (Array.isArray(v)) {
    // Like JSON: holes and unsendable values in arrays become null, keeping positions.
    out = Array.from(v, (x) => sanitize(x, parents) ?? null)
  } else {
    const o: Props = {}
    for (const k of Object.keys(v)) {
      const x = k == '__proto__' ? undefined : sanitize((v as Props)[k], parents)
      if (x !== undefined) o[k] = x
    }
    out = o
  }
  parents.pop()
  return out
}

/**
 * What track() keeps of the caller's props, at once and cheaply: a shallow copy made by the
 * engine's own object clone, with nested objects and arrays deep-copied (by sanitize()), so that
 * nothing the caller changes afterwards reaches the event. The whole copy is made JSON-safe when
 * the event is made, off the caller's path. Copying flat props in a loop of our own would cost
 * track() several times as much.
 */
export function snapshot(p: Props): Props {
  const o = { ...p }
  // for…in allocates no key array; hasOwn keeps out what a polluted Object.prototype would add.
  for (const k in o) if (typeof o[k] == 'object' && o[k] && Object.hasOwn(o, k)) o[k] = sanitize(o[k], [p]) as Props
  return o
}

/** A plain object: `{}` or `Object.create(null)`, not an array, Date, Map or class instance. */
export const isPlainObject = (v: unknown): v is Props => {
  if (!v || typeof v != 'object') return false
  const p = Object.getPrototypeOf(v)
  return p === null || p === Object.prototype
}
