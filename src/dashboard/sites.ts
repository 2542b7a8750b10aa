/**
 * The site picker: the sites this login may read (`/sites`). The chosen site lives in the page's
 * `?site=`, so a view of one client's site can be bookmarked and shared; with several sites and
 * none chosen, the first is shown (the reports would otherwise answer 400, listing them).
 */
import { loadSites } from './data'
import { h } from './dom'

/** The chosen site, or the first this login may read when none is chosen and there are several. */
export const chosenSite = () => new URLSearchParams(location.search).get('site')

/** Reload the page on `site` (the reports, annotations and exports all follow `?site=`). */
const choose = (site: string) => {
  const q = new URLSearchParams(location.search)
  q.set('site', site)
  location.search = q.toString()
}

/**
 * The picker, or null with a single site. Without `?site=` and several sites, picks the first
 * (the page reloads on it) and resolves with null.
 */
export const sitePicker = async (): Promise<HTMLElement | null> => {
  const answer = await loadSites()
  const sites = answer.ok && Array.isArray(answer.value.sites) ? answer.value.sites.map(String) : []
  const current = chosenSite()
  if (sites.length < 2) return null
  if (current === null || !sites.includes(current)) {
    choose(sites[0])
    return null
  }
  const select = h('select', { id: 'pick-site', 'aria-label': 'Site' }, sites.map((s) => h('option', { value: s }, s || '(no site)')))
  select.value = current
  select.addEventListener('change', () => choose(select.value))
  return h('label', { class: 'site' }, 'Site ', select)
}
