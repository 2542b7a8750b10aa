import { useEffect, useState } from 'react'
import { BrowserRouter, Link, Route, Routes, useLocation, useNavigate } from 'react-router'
import { FootfallProvider, useFootfall, useTrack } from 'footfall/react'

// The provider lives in a module that hot reloads (React Fast Refresh runs its effects again).
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

export function App() {
  return (
    <FootfallProvider options={{ endpoint: '/collect', site: 'react-shop', vitals: false }}>
      <BrowserRouter>
        <Routes>
          <Route path="*" element={<Page />} />
        </Routes>
      </BrowserRouter>
    </FootfallProvider>
  )
}
