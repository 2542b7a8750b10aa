/** Just enough Markdown for the docs checks: headings, links and fenced code blocks, as GitHub reads them. */

export interface Block {
  lang: string
  runnable: boolean
  /** Runs in Chromium (test/browser/docs.spec.ts) rather than in Node. */
  browser: boolean
  code: string
  line: number
}

/** Lines outside fenced code blocks, with their 1-based numbers. */
const prose = (md: string) => {
  const out: { text: string; line: number }[] = []
  let fence = false
  md.split('\n').forEach((text, i) => {
    if (/^\s*(```|~~~)/.test(text)) fence = !fence
    else if (!fence) out.push({ text, line: i + 1 })
  })
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
  let open: { info: string[]; line: number; code: string[] } | undefined
  md.split('\n').forEach((text, i) => {
    const m = /^\s*```(.*)$/.exec(text)
    if (m && !open) open = { info: m[1].trim().split(/\s+/), line: i + 1, code: [] }
    else if (m && open) {
      const [lang = '', ...flags] = open.info
      blocks.push({ lang, runnable: flags.includes('runnable'), browser: flags.includes('browser'), code: open.code.join('\n'), line: open.line })
      open = undefined
    } else open?.code.push(text)
  })
  return blocks
}
