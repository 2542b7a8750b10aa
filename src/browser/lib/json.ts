/**
 * JSON text for already-sanitised values. Written out rather than calling JSON.stringify because
 * host pages replace JSON.stringify or add Array.prototype.toJSON (old Prototype.js), and either
 * would corrupt or break every batch. Only own enumerable keys are read, so Object.prototype
 * additions never leak in.
 */
export const stringify = (v: unknown): string =>
  v == null
    ? 'null'
    : typeof v == 'string'
      ? '"' + v.replace(/[\\"\u0000-\u001f\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '"'
      : // A number or a boolean (isFinite(true) is true): sanitised values hold nothing else.
        typeof v != 'object'
        ? isFinite(v as number)
          ? '' + v
          : 'null'
        : Array.isArray(v)
            ? '[' + v.map(stringify).join() + ']'
            : '{' +
              Object.keys(v)
                .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
                .map((k) => stringify(k) + ':' + stringify((v as Record<string, unknown>)[k]))
                .join() +
              '}'

export const utf8 = /* @__PURE__ */ new TextEncoder()

/** UTF-8 length, computed only when the string could be over `limit` bytes (a char is at most 3 bytes). */
export const tooBig = (s: string, limit: number): boolean => s.length * 3 > limit && utf8.encode(s).length > limit
