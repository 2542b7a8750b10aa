export interface Demo {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** The demo's admin token (`Authorization: Bearer …`), kept in its data directory. */
  token: string
  /** Logs a browser in (sets the session cookie), then opens the shop. */
  loginUrl: string
  /** The failure switch: `ok`, `503`, `offline` (connection cut) or `reject` (400). */
  setFault(mode: 'ok' | '503' | 'offline' | 'reject'): void
  close(): Promise<void>
}

/** Starts the demo shop, inspector and reference collector on one origin (port 0: a free one). */
export function startDemo(options?: { port?: number; host?: string; dataDir?: string; now?: string | number; log?: (line: string) => void }): Promise<Demo>
