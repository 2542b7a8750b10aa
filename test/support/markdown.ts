/** Just enough Markdown for the docs checks: headings, links and fenced code blocks, as GitHub reads them. */

export interface Block {
  lang: string
  runnable: boolean
  /** Runs in Chromium (test/browser/docs.spec.ts) rather than in Node. */
  browser: boolean
  code: string
  line: number
}

/**
 * A fence as CommonMark reads one: up to 3 spaces, then 3 or more backticks; an opening fence's
 * info string has no backtick (so an inline ```` ```sh ```` span is not a fence), and a closing
 * one is at least as long as the opening one.
 */
const OPEN = /^ {0,3}(`{3,})([^`]*)$/
const CLOSE = /^ {0,3}(`{3,})\s*$/

/** Walks the lines: each gets the fence it is inside (with the fence lines themselves reported). */
const walk = (md: string, line: (text: string, n: number, state: 'prose' | 'open' | 'code' | 'close', info: string) => void) => {
  let fence: { size: number; info: string } | undefined
  md.split('\n').forEach((text, i) => {
    const c = fence && CLOSE.exec(text)
    if (fence && c && c[1].length >= fence.size) {
      line(text, i + 1, 'close', fence.info)
      fence = undefined
      return
    }
    if (fence) return line(text, i + 1, 'code', fence.info)
    const o = OPEN.exec(text)
    if (o) {
      fence = { size: o[1].length, info: o[2].trim() }
      return line(text, i + 1, 'open', fence.info)
    }
    line(text, i + 1, 'prose', '')
  })
}

/** Lines outside fenced code blocks, with their 1-based numbers. */
const prose = (md: string) => {
  const out: { text: string; line: number }[] = []
  walk(md, (text, line, state) => state === 'prose' && out.push({ text, line }))
  return out
}

/** GitHub's anchor for a heading: markup gone, lower case, punctuation dropped, spaces → hyphens. */
export const slug = (heading: string): string =>
  heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_]/g, (c) => (c === '_' ? '_' : ''))
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')

export const headingsOf = (md: string): string[] =>
  prose(md).flatMap(({ text }) => {
    const m = /^#{1,6} +(.*?) *#* *$/.exec(text)
    return m ? [m[1]] : []
  })

/** Every anchor a page has: its heading slugs, a repeated one suffixed -1, -2… as GitHub does. */
export const anchorsOf = (md: string): string[] => {
  const seen = new Map<string, number>()
  return headingsOf(md).map((h) => {
    const s = slug(h)
    const n = seen.get(s) ?? 0
    seen.set(s, n + 1)
    return n ? `${s}-${n}` : s
  })
}

/** Inline links and images outside code: `[text](target)`, `![alt](target "title")`. */
export const linksOf = (md: string): { target: string; line: number }[] =>
  prose(md).flatMap(({ text, line }) =>
    [...text.replace(/`[^`]*`/g, '').matchAll(/!?\[[^\]]*\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => ({ target: m[1], line })),
  )

/** Fenced code blocks with their info string: ```js runnable browser. */
export const blocksOf = (md: string): Block[] => {
  const blocks: Block[] = []
  let code: string[] = []
  let start = 0
  walk(md, (text, line, state, info) => {
    if (state === 'open') (code = []), (start = line)
    else if (state === 'code') code.push(text)
    else if (state === 'close') {
      const [lang = '', ...flags] = info.split(/\s+/)
      blocks.push({ lang, runnable: flags.includes('runnable'), browser: flags.includes('browser'), code: code.join('\n'), line: start })
    }
  })
  return blocks
}

/**
 * The install recipes of a page: each prose line `Files to serve: `a.js`, `b.js` …` (or `Files to
 * serve (where): …`), with the heading it stands under and the file names in backticks on that
 * line (none: nothing to serve).
 */
export const recipesOf = (md: string): { heading: string; files: string[]; line: number }[] => {
  let heading = ''
  return prose(md).flatMap(({ text, line }) => {
    const h = /^#{1,6} +(.*?) *#* *$/.exec(text)
    if (h) heading = h[1]
    const m = /^Files to serve(?: \([^)]*\))?: (.*)$/.exec(text)
    return m ? [{ heading, files: [...m[1].matchAll(/`([\w.-]+\.m?js)`/g)].map((f) => f[1]), line }] : []
  })
}
