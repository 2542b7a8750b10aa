import { StrictMode, useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { BrowserRouter, Link, Route, Routes, useLocation, useNavigate } from 'react-router'
import { on } from 'footfall'
import { FootfallProvider, useFootfall, useTrack } from 'footfall/react'

// A small React Router app as a site builds it: the provider at the top, StrictMode on, routes
// changed by links and navigate() (push, replace, a search parameter) and by the browser's back and forward.
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

function Page() {
  const { pathname, search } = useLocation()
  const navigate = useNavigate()
  const track = useTrack()
  const { consent, flush } = useFootfall()
  const [n, setN] = useState(0)
  // StrictMode mounts twice in development: counted, so the test knows it did.
  useEffect(() => void window.mounts++, [])
  return (
    <main>
      <h1 id="route">{pathname + search}</h1>
      <nav>
        <Link to="/about">About</Link>
        <button id="replace" onClick={() => navigate('/products', { replace: true })}>
          Products
        </button>
        <Link to="/products?q=shoes">Shoes</Link>
      </nav>
      <button id="signup" onClick={() => (track('signup_click', { plan: 'pro', n }), setN(n + 1))}>
        Sign up
      </button>
      <button id="deny" onClick={() => consent('denied')}>
        Decline
      </button>
      <button id="flush" onClick={() => void flush().then(() => (window.flushed = true))}>
        Flush
      </button>
    </main>
  )
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <FootfallProvider options={{ endpoint: '/collect', site: 'react-shop', vitals: false }}>
      <BrowserRouter>
        <Routes>
          <Route path="*" element={<Page />} />
        </Routes>
      </BrowserRouter>
    </FootfallProvider>
  </StrictMode>,
)
