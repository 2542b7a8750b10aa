/** Reading a request body with a hard size limit, before and after decompression. */
import type { IncomingMessage } from 'node:http'
import type { Transform } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'

export type Body = { ok: true; body: Buffer } | { ok: false; status: number; error: string }

const decoders: Record<string, () => Transform> = {
  identity: () => null as never,
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
}

/**
 * Resolve with the decoded body, or with 413 as soon as more than `limit` bytes arrive
 * (on the wire or once inflated: a small gzip bomb must not fill memory). On 413 the
 * request is paused, not drained: the caller answers and closes the connection.
 */
export const readBody = (req: IncomingMessage, limit: number): Promise<Body> => {
  // Express and friends may already have parsed the body.
  const parsed = (req as IncomingMessage & { body?: unknown }).body
  if (req.readableEnded && parsed !== undefined) {
    const buf = Buffer.isBuffer(parsed) ? parsed : Buffer.from(typeof parsed === 'string' ? parsed : JSON.stringify(parsed))
    return Promise.resolve(buf.length > limit ? tooLarge(limit) : { ok: true, body: buf })
  }
  const declared = Number(req.headers['content-length'])
  if (declared > limit) return Promise.resolve(tooLarge(limit))
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase()
  if (!(encoding in decoders)) return Promise.resolve({ ok: false, status: 415, error: `unsupported Content-Encoding: ${encoding}` })
  const decoder = encoding === 'identity' ? undefined : decoders[encoding]()

  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let wire = 0
    let size = 0
    let done = false
    const finish = (result: Body) => {
      if (done) return
      done = true
      req.off('data', onData)
      if (!result.ok) req.pause()
      decoder?.destroy()
      resolve(result)
    }
    const onOut = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) finish(tooLarge(limit))
      else chunks.push(chunk)
    }
    const onData = (chunk: Buffer) => {
      wire += chunk.length
      if (wire > limit) finish(tooLarge(limit))
      else if (decoder) decoder.write(chunk)
      else onOut(chunk)
    }
    const complete = () => finish({ ok: true, body: Buffer.concat(chunks, size) })
    req.on('data', onData)
    req.on('end', () => (decoder ? decoder.end() : complete()))
    req.on('error', () => finish({ ok: false, status: 400, error: 'request aborted' }))
    // 'close' also follows a complete request: only an incomplete one is an abort.
    req.on('close', () => req.complete || finish({ ok: false, status: 400, error: 'request aborted' }))
    decoder?.on('data', onOut)
    decoder?.on('end', complete)
    decoder?.on('error', () => finish({ ok: false, status: 400, error: `body is not valid ${encoding}` }))
  })
}

const tooLarge = (limit: number): Body => ({ ok: false, status: 413, error: `body larger than ${limit} bytes` })
