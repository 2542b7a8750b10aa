export type Listener = (data: any) => void

export interface Emitter {
  on(type: string, cb: Listener): () => void
  emit(type: string, data?: unknown): void
}

/** Tiny event hub for `on()`. A throwing listener never reaches the SDK or the host page. */
export function createEmitter(debug?: boolean): Emitter {
  const listeners: Record<string, Listener[]> = {}
  return {
    on(type, cb) {
      ;(listeners[type] ||= []).push(cb)
      return () => {
        listeners[type] = listeners[type].filter((l) => l !== cb)
      }
    },
    emit(type, data) {
      if (debug) console.info('[footfall]', type, data)
      for (const cb of listeners[type] || []) {
        try {
          cb(data)
        } catch (e) {
          console.warn('[footfall] listener failed', e)
        }
      }
    },
  }
}
