import { createApp } from 'vue'
import { createRouter, createWebHistory } from 'vue-router'
import { on } from 'footfall'
import footfall from 'footfall/vue'
import App from './App.vue'
import Page from './Page.vue'

// A small Vue Router app as a site builds it: the plugin installed with the router, routes changed
// by links and router.replace() (push, replace, a search parameter) and by the browser's back and forward.
// What footfall records, as it records it (the collector hears of it within seconds): the test
// waits on this between route changes, then compares it with what reached the collector.
const w = window as unknown as { recorded: string[] }
w.recorded = []
on('track', (e) => w.recorded.push(e.type == 'page' ? 'page ' + e.properties.path + e.properties.search : e.event))

const router = createRouter({ history: createWebHistory(), routes: [{ path: '/:any(.*)*', component: Page }] })

createApp(App)
  .use(router)
  .use(footfall, { endpoint: '/collect', site: 'vue-shop', vitals: false })
  .mount('#app')
