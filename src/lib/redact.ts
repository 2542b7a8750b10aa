/** Query parameters whose names look like secrets or personal data. */
const SECRET = /(^|[^a-z])(e?mail|token|password|passwd|pwd|pass|secret|key|apikey|auth|credential|session|sid|ssn|phone|code)([^a-z]|$)/i
const EMAIL = /[^\s@/?&=]+@[^\s@/?&=]+\.[a-z]{2,}/i

/**
 * The URL with secret-looking parameter values and any e-mail address replaced by "REDACTED",
 * so that nothing personal leaves the page through url, search or referrer.
 */
export function redact(url: string): string {
  if (!url) return url
  try {
    const u = new URL(url)
    let changed = false
    for (const [k, v] of [...u.searchParams]) {
      if (SECRET.test(k) || EMAIL.test(v)) {
        u.searchParams.set(k, 'REDACTED')
        changed = true
      }
    }
    const s = changed ? u.href : url
    return EMAIL.test(s) ? s.replace(new RegExp(EMAIL, 'gi'), 'REDACTED') : s
  } catch {
    return ''
  }
}
