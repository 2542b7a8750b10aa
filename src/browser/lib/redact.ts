/**
 * Parameter names that look like secrets or personal data, matched as whole words so that
 * `access_token`, `userEmail` and `api-key` are caught but `keyword` or `passage` are not.
 */
const SECRET =
  /(^|[^a-z])(e?mail|token|jwt|password|passwd|pwd|pass|secret|key|apikey|auth|authorization|credentials?|session|sid|ssn|otp|pin|sig|signature|code|phone|tel|mobile|address|zip|postcode|dob|birthdate|iban|card|cc|cvv|cvc|first_?name|last_?name|full_?name|username|login)([^a-z]|$)/i
/** An e-mail address, also percent-encoded (`a%40b.co`). */
const EMAIL = /[^\s@/?&=#:]+(@|%40)[^\s@/?&=#]+\.[a-z]{2,}/gi

const decode = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}

/** Whether a `name=value` pair must not leave the page. */
export const isSecret = (name: string, value: string): boolean =>
  SECRET.test(decode(name).replace(/([a-z])([A-Z])/g, '$1_$2')) || !!decode(value).match(EMAIL)

/**
 * The URL with secret-looking parameter values (in the query and in `#a=b` fragments, where
 * OAuth puts access tokens; also a `&a=b` in a path, the rare matrix style) replaced by "REDACTED", user:password@ removed and any e-mail address
 * replaced, so that nothing personal leaves the page through url, search or referrer. Everything
 * else is kept byte for byte. Not a URL ("" included) → "".
 */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    u.username = u.password = ''
    // Pairs start after ?, # or &: a path keeps its other = signs.
    return u.href.replace(/([?#&])([^?#&=]+)=([^&#]*)/g, (m, p, k, v) => (isSecret(k, v) ? p + k + '=REDACTED' : m)).replace(EMAIL, 'REDACTED')
  } catch {
    return ''
  }
}
