/**
 * `h('a', { href: '/', class: 'x' }, 'text', child)`: builds elements without innerHTML, so
 * nothing the shop or the inspector shows can be interpreted as markup. Attributes whose value
 * is null, undefined or false are left out; `on*` functions become listeners.
 */
export function h(tag, attrs, ...children) {
  const svg = tag === 'svg' || tag === 'path'
  const e = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag)
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v)
    else e.setAttribute(k, v === true ? '' : String(v))
  }
  for (const c of children.flat()) if (c != null && c !== false) e.append(c instanceof Node ? c : String(c))
  return e
}
