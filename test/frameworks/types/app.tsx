import { FootfallProvider, useFootfall, useTrack } from 'footfall/react'
import footfall, { useTrack as useVueTrack } from 'footfall/vue'
import { createApp } from 'vue'

// The framework entries as an app's TypeScript sees them: typed from the SDK's own types.
export function Shop() {
  const track = useTrack()
  const { consent, flush, identify, page } = useFootfall()
  track('add_to_cart', { product_id: 'sku-1', price: 19.99 })
  identify('user-1')
  page()
  consent('denied')
  void flush().then(() => undefined)
  return <FootfallProvider options={{ endpoint: '/collect', site: 'shop', spa: 'history' }}>hi</FootfallProvider>
}
createApp({}).use(footfall, { endpoint: '/collect', site: 'shop' })
useVueTrack()('signup_click', { plan: 'pro' })
// @ts-expect-error not a consent state
useFootfall().consent('maybe')
// @ts-expect-error not an spa mode
export const Wrong = () => <FootfallProvider options={{ endpoint: '/collect', spa: 'sometimes' }} />
