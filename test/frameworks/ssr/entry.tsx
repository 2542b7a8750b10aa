import { renderToString as renderReact } from 'react-dom/server'
import { createSSRApp, h } from 'vue'
import { renderToString as renderVue } from 'vue/server-renderer'
import { FootfallProvider, useTrack } from 'footfall/react'
import footfall, { useTrack as useVueTrack } from 'footfall/vue'

// Server rendering with both entries: importing them, rendering the provider and installing the
// plugin must not touch the browser's globals (the test traps them).
function Button() {
  const track = useTrack()
  return <button onClick={() => track('signup_click')}>Sign up</button>
}

export async function render(): Promise<string> {
  const react = renderReact(
    <FootfallProvider options={{ endpoint: '/collect', site: 'ssr' }}>
      <Button />
    </FootfallProvider>,
  )
  const app = createSSRApp({ setup: () => (useVueTrack(), () => h('p', 'vue')) })
  app.use(footfall, { endpoint: '/collect', site: 'ssr' })
  return react + (await renderVue(app))
}
