/**
 * Elements from data, always as text: children are nodes or strings (text nodes), attributes are
 * set one by one, handlers are functions. No markup is ever parsed, whatever a campaign or an
 * event name contains.
 */
export type Child = Node | string | number | null | undefined | false | Child[]
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>

export const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') el.addEventListener(k.slice(2), v)
    else if (v === true) el.setAttribute(k, '')
    else if (v !== undefined && v !== false) el.setAttribute(k, String(v))
  }
  append(el, children)
  return el
}

const append = (el: Element, children: Child[]) => {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    if (Array.isArray(c)) append(el, c)
    else el.append(typeof c === 'number' ? String(c) : c)
  }
}
