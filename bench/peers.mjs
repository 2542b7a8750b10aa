// One row per SDK: the files the page may load, how a site loads it (the <head> snippet, which
// calls __ready() once the SDK can take events), and how it records one add_to_cart.
// Every peer is pointed at the bench's own origin; nothing leaves 127.0.0.1.
// File values: a path under the repository, { bundle: 'module source' } (bundled from
// node_modules to a minified IIFE, for peers that ship only ES modules), or { minify: path }.
import { readdirSync } from 'node:fs'

const nm = 'node_modules/'
const files = (dir, under, re = /\.js$/) => Object.fromEntries(readdirSync(dir).filter((f) => re.test(f)).map((f) => [`${under}/${f}`, `${dir}/${f}`]))

/** footfall's parts: the footfall-*.js files the core may add to a page (not the stub, which is the page's own snippet as a file, nor the Shopify pixel or the collector's dashboard). */
export const footfallChunks = () => readdirSync('dist').filter((f) => /^footfall-.+\.js$/.test(f) && !/^footfall-(stub|shopify-pixel|dashboard)\.js$/.test(f))

export const peers = [
  {
    name: 'footfall',
    pkg: '.',
    main: '/footfall.js',
    files: () => files('dist', '', /^footfall.*\.js$/),
    head: () => `<script>window.footfall=window.footfall||function(){(footfall.q=footfall.q||[]).push(arguments)}</script>
<script async src="/footfall.js" data-endpoint="/collect" data-site="bench" onload="__ready()"></script>`,
    track: `p => footfall.track('add_to_cart', p)`,
  },
  {
    name: 'posthog-js',
    pkg: 'posthog-js',
    // The snippet's array.js; extensions it decides to load come from /static/ too. The bench
    // browser is automated (navigator.webdriver), which PostHog would drop as a bot's.
    main: '/static/array.js',
    files: () => files(nm + 'posthog-js/dist', '/static'),
    head: () => `<script>!function(){var p=window.posthog=[];p._i=[];p.init=function(t,o,n){p._i.push([t,o,n])};
var s=document.createElement('script');s.async=1;s.src='/static/array.js';document.head.appendChild(s)}();
posthog.init('phc_bench',{api_host:location.origin,opt_out_useragent_filter:true,loaded:function(){__ready()}})</script>`,
    track: `p => posthog.capture('add_to_cart', p)`,
  },
  {
    name: '@segment/analytics-next',
    pkg: '@segment/analytics-next',
    // The snippet's analytics.min.js (standalone build); settings and chunks from the local "CDN".
    main: '/segment/analytics.min.js',
    files: () => ({
      '/segment/analytics.min.js': nm + '@segment/analytics-next/dist/umd/standalone.js',
      ...files(nm + '@segment/analytics-next/dist/umd', '/segment/analytics-next/bundles'),
      '/segment/v1/projects/bench/settings': (o) =>
        JSON.stringify({ integrations: { 'Segment.io': { apiKey: 'bench', apiHost: o.replace(/^https?:\/\//, '') + '/v1', protocol: 'http' } } }),
    }),
    head: () => `<script>!function(){var a=window.analytics=[];['track','page','identify','ready'].forEach(function(m){a[m]=function(){var r=[].slice.call(arguments);r.unshift(m);a.push(r);return a}});
a._writeKey='bench';a._cdn=location.origin+'/segment';a.page();a.ready(function(){__ready()});
var s=document.createElement('script');s.async=1;s.src='/segment/analytics.min.js';document.head.appendChild(s)}()</script>`,
    track: `p => analytics.track('add_to_cart', p)`,
  },
  {
    name: '@plausible-analytics/tracker',
    pkg: '@plausible-analytics/tracker',
    main: '/plausible.js',
    files: () => ({ '/plausible.js': { bundle: `import { init, track } from '@plausible-analytics/tracker'; window.plausibleTracker = { init, track }` } }),
    head: () => `<script async src="/plausible.js" onload="plausibleTracker.init({domain:'bench.test',endpoint:location.origin+'/api/event',captureOnLocalhost:true});__ready()"></script>`,
    // Plausible properties are strings.
    track: `p => plausibleTracker.track('add_to_cart', { props: { product_id: p.product_id, price: '' + p.price, currency: p.currency, quantity: '' + p.quantity, tag: p.tag } })`,
  },
  {
    name: '@snowplow/browser-tracker',
    pkg: '@snowplow/browser-tracker',
    main: '/snowplow.js',
    files: () => ({ '/snowplow.js': nm + '@snowplow/browser-tracker/dist/index.umd.min.js' }),
    head: () => `<script async src="/snowplow.js" onload="snowplowBrowserTracking.newTracker('sp',location.origin,{appId:'bench'});snowplowBrowserTracking.trackPageView();__ready()"></script>`,
    track: `p => snowplowBrowserTracking.trackStructEvent({ category: 'ecommerce', action: 'add_to_cart', label: p.tag, property: p.product_id, value: p.price })`,
  },
  {
    name: '@jitsu/js',
    pkg: '@jitsu/js',
    // Jitsu's script tag (p.js) posts to the origin it was loaded from.
    main: '/jitsu/p.js',
    files: () => ({ '/jitsu/p.js': { minify: nm + '@jitsu/js/dist/web/p.js.txt' } }),
    head: () => `<script>window.__jitsuReady=function(){__ready()}</script>
<script async src="/jitsu/p.js" data-write-key="bench:secret" data-onload="__jitsuReady"></script>`,
    track: `p => jitsu.track('add_to_cart', p)`,
  },
  {
    name: 'floor: array push',
    floor: true,
    head: () => `<script>window.q=[];__ready()</script>`,
    track: `p => q.push(['track', 'add_to_cart', p])`,
  },
  {
    name: 'floor: sendBeacon',
    floor: true,
    head: () => `<script>__ready()</script>`,
    track: `p => navigator.sendBeacon('/beacon', JSON.stringify({ event: 'add_to_cart', properties: p }))`,
  },
]
