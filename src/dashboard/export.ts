/**
 * Tables as CSV and markdown, made here in the page. Cells hold what visitors put in their URLs,
 * so both formats treat every string as hostile: CSV cells that a spreadsheet would read as a
 * formula are neutralised, markdown cells cannot open a link, an image or an HTML tag.
 */
export type Cell = string | number | null | undefined
export interface Table {
  columns: string[]
  rows: Cell[][]
}

/**
 * One CSV cell (RFC 4180). A string starting with `=`, `+`, `-`, `@`, a tab or a carriage return
 * would run as a formula in Excel, LibreOffice or Google Sheets (OWASP "CSV injection"): it gets a
 * leading `'`, which spreadsheets show as text. Numbers stay numbers, negative ones included.
 */
export const csvCell = (v: Cell): string => {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : ''
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s
}

export const toCsv = ({ columns, rows }: Table): string => [columns, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'

/**
 * One markdown table cell: one line, pipes and markdown punctuation escaped, `<` and `>` as
 * entities (so no renderer sees a tag), nothing a renderer would turn into a link or an image.
 */
export const mdCell = (v: Cell): string => {
  if (v === null || v === undefined || v === '') return ''
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : ''
  return v
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\`*_{}[\]()#+!|~]/g, '\\$&')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    // Bare URLs are autolinked by GitHub and others: break the scheme so it stays text.
    .replace(/\b([a-z][a-z0-9+.-]*):(?=\/\/|[a-z])/gi, '$1&#58;')
}

export const toMarkdown = ({ columns, rows }: Table): string => {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(columns.map(mdCell)), line(columns.map(() => '---')), ...rows.map((r) => line(r.map(mdCell)))].join('\n') + '\n'
}

/** Saves `text` as a file through a blob URL (no data: URL, no server round trip). */
export const download = (name: string, text: string, type: string) => {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Copies `text`; resolves false where the clipboard is not available (insecure origin, denied). */
export const copy = async (text: string): Promise<boolean> => {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}
