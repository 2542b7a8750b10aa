export type Persistence = 'local' | 'session' | 'none'

export interface KV {
  /** The value, or nothing (null or undefined) when there is none. */
  read(k: string): string | null | undefined
  write(k: string, v: string): void
  /** Writes reach Web Storage only while enabled (consent granted); before that they live in memory. */
  enable(on: boolean): void
  /** Forgets every key footfall wrote, in memory and in Web Storage. */
  reset(): void
}

/**
 * Key-value storage for ids (never cookies): localStorage (the default) or sessionStorage per `data-persistence`,
 * a plain object for `none`, while consent is not granted, and whenever Web Storage throws
 * (Safari private mode, storage disabled by policy).
 */
export function createKV(kind?: Persistence): KV {
  const mem: Record<string, string> = {}
  let on = false
  // Reading is allowed before consent: ids can only be there from an earlier visit that granted it
  // (denied removes them), and a returning visitor keeps their id. Writing waits for consent.
  /** `f` applied to the Web Storage in use; undefined when there is none or it throws. */
  const ws = <T>(f: (s: Storage) => T, read?: boolean): T | undefined => {
    try {
      if ((on || read) && kind != 'none') return f(kind == 'session' ? sessionStorage : localStorage)
    } catch {}
  }
  const kv: KV = {
    // Once enabled, Web Storage is the truth shared by every tab (sessions, drop counts); before
    // that, what this page wrote in memory comes first.
    read(k) {
      const stored = ws((s) => s.getItem(k), true)
      return on ? (stored ?? mem[k]) : (mem[k] ?? stored)
    },
    write(k, v) {
      mem[k] = v
      ws((s) => s.setItem(k, v))
    },
    enable(v) {
      on = v
      for (const k of Object.keys(mem)) kv.write(k, mem[k])
    },
    reset() {
      // Every key footfall writes (the tracker's and the sessions'), in memory and in both areas: ids
      // kept by an earlier visit under another data-persistence go as well.
      for (const k of ['ff_aid', 'ff_uid', 'ff_session', 'ff_drops']) {
        delete mem[k]
        try {
          localStorage.removeItem(k)
          sessionStorage.removeItem(k)
        } catch {}
      }
    },
  }
  return kv
}
