import { describe, expect, it } from 'vitest'
import { csvCell, mdCell, toCsv, toMarkdown } from '../../src/dashboard/export'

describe('dashboard exports', () => {
  it('neutralises CSV cells a spreadsheet would run as a formula, and leaves numbers alone', () => {
    expect(csvCell('=HYPERLINK("https://evil.example","x")')).toBe(`"'=HYPERLINK(""https://evil.example"",""x"")"`)
    expect(csvCell('+cmd|calc')).toBe(`'+cmd|calc`)
    expect(csvCell('-2+3')).toBe(`'-2+3`)
    expect(csvCell('@SUM(A1)')).toBe(`'@SUM(A1)`)
    expect(csvCell('\t=1')).toBe(`'\t=1`)
    expect(csvCell('\r=1')).toBe(`"'\r=1"`)
    expect(csvCell(-0.25)).toBe('-0.25')
    expect(csvCell(null)).toBe('')
    expect(csvCell(NaN)).toBe('')
    expect(csvCell('a, "b"\nc')).toBe('"a, ""b""\nc"')
    expect(csvCell('Organic Search')).toBe('Organic Search')
    expect(toCsv({ columns: ['Campaign', 'Sessions'], rows: [['=1+1', 3]] })).toBe(`Campaign,Sessions\r\n'=1+1,3\r\n`)
  })

  it('keeps markdown cells on one line, without tags, links or images', () => {
    expect(mdCell('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert\\(1\\)&gt;')
    expect(mdCell('[click](javascript:alert(1))')).toBe('\\[click\\]\\(javascript&#58;alert\\(1\\)\\)')
    expect(mdCell('![x](https://evil.example/p.png)')).not.toMatch(/!\[|https:\/\//)
    expect(mdCell('a | b\nc')).toBe('a \\| b c')
    expect(mdCell('`code` *b* _i_')).toBe('\\`code\\` \\*b\\* \\_i\\_')
    expect(mdCell(0.125)).toBe('0.125')
    expect(toMarkdown({ columns: ['KPI', 'Value'], rows: [['Sessions', 12], ['x|y', null]] })).toBe('| KPI | Value |\n| --- | --- |\n| Sessions | 12 |\n| x\\|y |  |\n')
  })
})
