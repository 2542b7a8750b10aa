import { datalayer } from '../autocapture/datalayer'

// dist/footfall-datalayer.js: the GA4 dataLayer bridge.
export default datalayer
