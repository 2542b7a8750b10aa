import { createServer } from 'node:net'

/** A free port on 127.0.0.1, for a server a test starts as its own process (nginx, ClickHouse, Vite, a collector). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
