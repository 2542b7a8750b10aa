/**
 * Site tokens, kept in the data directory: `tokens.json` holds each token's id, site, name and
 * HMAC-SHA256 under a server secret (`auth-secret`, 32 random bytes, readable by its owner only).
 * The token itself is printed once, when it is made, and never stored.
 *
 * Why HMAC and not a slow hash: a token is 32 random bytes, so there is nothing to guess that a
 * slow hash would slow down, while every report checks it; and a copy of `tokens.json` without
 * the secret beside it opens nothing.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isValidWriteKey } from './validate'

export interface TokenInfo {
  id: string
  site: string
  name: string
  createdAt: string
}

interface TokenRecord extends TokenInfo {
  /** HMAC-SHA256 of the token under the secret, hex. */
  hash: string
}

const FILE = 'tokens.json'
const SECRET = 'auth-secret'
const MAX_NAME = 200

/** A new token: 32 random bytes, URL-safe, with a prefix that says what it is. */
export const newToken = (): string => 'fft_' + randomBytes(32).toString('base64url')

/** Equal strings, in time that does not depend on where they differ. */
export const sameSecret = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())

const secretOf = (dir: string, create: boolean): Buffer | undefined => {
  const path = join(dir, SECRET)
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex')
  if (!create) return undefined
  mkdirSync(dir, { recursive: true })
  writeFileSync(path, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' })
  return secretOf(dir, false)
}

const hashOf = (secret: Buffer, token: string) => createHmac('sha256', secret).update(token).digest()

const read = (dir: string): TokenRecord[] => {
  try {
    const list = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as unknown
    return Array.isArray(list) ? (list as TokenRecord[]).filter((t) => t && typeof t.hash === 'string' && typeof t.site === 'string') : []
  } catch {
    return []
  }
}

const write = (dir: string, list: TokenRecord[]) => {
  const path = join(dir, FILE)
  writeFileSync(path + '.tmp', JSON.stringify(list, null, 2) + '\n', { mode: 0o600 })
  chmodSync(path + '.tmp', 0o600)
  renameSync(path + '.tmp', path)
}

const info = ({ id, site, name, createdAt }: TokenRecord): TokenInfo => ({ id, site, name, createdAt })

/** Make a token for `site`: returns it (to print once) and what is kept of it. */
export const createToken = (dir: string, site: string, name = '', now = new Date()): { token: string; info: TokenInfo } | { error: string } => {
  if (!isValidWriteKey(site)) return { error: 'a site is letters, digits, ".", "_" or "-" (what the SDK sends as data-site)' }
  if (typeof name !== 'string' || name.length > MAX_NAME) return { error: `a name is at most ${MAX_NAME} characters` }
  const secret = secretOf(dir, true)!
  const token = newToken()
  const record: TokenRecord = { id: randomBytes(6).toString('hex'), site, name, createdAt: now.toISOString(), hash: hashOf(secret, token).toString('hex') }
  write(dir, [...read(dir), record])
  return { token, info: info(record) }
}

/** The tokens of a data directory, without their hashes. */
export const listTokens = (dir: string): TokenInfo[] => read(dir).map(info)

/** Revoke a token by id; false when there is none. */
export const revokeToken = (dir: string, id: string): boolean => {
  const list = read(dir)
  const kept = list.filter((t) => t.id !== id)
  if (kept.length === list.length) return false
  write(dir, kept)
  return true
}

/**
 * The collector's view of the tokens: read again whenever the file changes, so that a token
 * made or revoked by `footfall-collector token` counts at the next request.
 */
export const tokenBook = (dir: string) => {
  let seen = ''
  let list: TokenRecord[] = []
  let secret: Buffer | undefined
  const current = () => {
    let stamp = ''
    try {
      const s = statSync(join(dir, FILE))
      stamp = `${s.mtimeMs}:${s.size}:${s.ino}`
    } catch {
      stamp = 'none'
    }
    if (stamp !== seen) {
      seen = stamp
      list = read(dir)
      secret = list.length ? secretOf(dir, false) : undefined
    }
    return list
  }
  return {
    /** The token's record, compared in constant time with every one kept; undefined when unknown. */
    find(token: string): TokenInfo | undefined {
      const records = current()
      if (!secret || !records.length) return undefined
      const hash = hashOf(secret, token)
      let found: TokenRecord | undefined
      for (const r of records) {
        const kept = Buffer.from(r.hash, 'hex')
        if (kept.length === hash.length && timingSafeEqual(kept, hash)) found = r
      }
      return found && info(found)
    },
    /** Whether a token of this id still exists (a session ends with its token). */
    has: (id: string): boolean => current().some((t) => t.id === id),
  }
}

export type TokenBook = ReturnType<typeof tokenBook>
