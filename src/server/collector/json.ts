/** JSON parsing that cannot be used for prototype pollution. */

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])
const SUSPECT = /"(__proto__|constructor|prototype)"/

/**
 * Parse JSON, dropping every `__proto__`, `constructor` and `prototype` key at any depth,
 * so that no later spread or merge can reach an object's prototype. The reviver is slow,
 * so it only runs when the text mentions one of those keys.
 */
export const parseJson = (text: string): unknown =>
  SUSPECT.test(text) ? JSON.parse(text, (key, value) => (FORBIDDEN.has(key) ? undefined : value)) : JSON.parse(text)

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
