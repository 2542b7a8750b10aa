import { shopifyPixel, type PixelApi, type PixelConfig } from './shopify'

// dist/footfall-shopify-pixel.js: the whole file is pasted into Shopify's custom pixel editor, after
// the `footfallPixel` settings the build puts at its top. analytics, browser and init are the
// sandbox's globals.
declare const footfallPixel: PixelConfig
declare const analytics: PixelApi['analytics']
declare const browser: PixelApi['browser']
declare const init: PixelApi['init']

try {
  shopifyPixel(footfallPixel, { analytics, browser, init: typeof init == 'object' ? init : undefined })
} catch (e) {
  console.warn('[footfall] pixel: ' + e)
}
