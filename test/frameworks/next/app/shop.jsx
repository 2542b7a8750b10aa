'use client'
import { Suspense } from 'react'
import Link from 'next/link'
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { on } from 'footfall'
import { useFootfall, useTrack } from 'footfall/react'

// What footfall records, as it records it: the test waits on this between route changes, then
// compares it with what reached the collector.
if (typeof window != 'undefined' && !window.recorded) {
  window.recorded = []
  on('track', (e) => window.recorded.push(e.type == 'page' ? 'page ' + e.properties.path + e.properties.search : e.event))
}

function Route() {
  const search = useSearchParams().toString()
  return <h1 id="route">{usePathname() + (search && '?' + search)}</h1>
}

export function Shop() {
  const router = useRouter()
  const track = useTrack()
  const { consent, flush } = useFootfall()
  return (
    <main>
      <Suspense>
        <Route />
      </Suspense>
      <nav>
        <Link href="/about">About</Link>
        <button id="replace" onClick={() => router.replace('/products')}>
          Products
        </button>
        <Link href="/products?q=shoes">Shoes</Link>
      </nav>
      <button id="signup" onClick={() => track('signup_click', { plan: 'pro', n: 0 })}>
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
