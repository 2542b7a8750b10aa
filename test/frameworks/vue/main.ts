import { createApp } from 'vue'
import { createRouter, createWebHistory } from 'vue-router'
import footfall from 'footfall/vue'
import App from './App.vue'
import Page from './Page.vue'

// A small Vue Router app as a site builds it: the plugin installed with the router, routes changed
// by links (push, replace, a search parameter) and by the browser's back and forward.
const router = createRouter({ history: createWebHistory(), routes: [{ path: '/:any(.*)*', component: Page }] })

createApp(App)
  .use(router)
  .use(footfall, { endpoint: '/collect', site: 'vue-shop', vitals: false })
  .mount('#app')
