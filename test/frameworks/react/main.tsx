import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { on } from 'footfall'
import { App } from './App'

// A small React Router app as a site builds it: the provider at the top, StrictMode on, routes
// changed by links and navigate() (push, replace, a search parameter) and by the browser's back
// and forward.
declare global {
  interface Window {
    mounts: number
    flushed: boolean
    recorded: string[]
  }
}
window.mounts = 0
// What footfall records, as it records it (the collector hears of it within seconds): the test
// waits on this between route changes, then compares it with what reached the collector.
window.recorded = []
on('track', (e) => window.recorded.push(e.type == 'page' ? 'page ' + e.properties.path + e.properties.search : e.event))

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
