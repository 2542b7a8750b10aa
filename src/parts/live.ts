import { live } from '../live'

// dist/footfall-live.js: sending from the store, SPA routes, engagement, clicks and chat (see live.ts).
export default live
