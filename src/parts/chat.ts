import { chat } from '../autocapture/chat'
import { boot } from '../lib/lazy'

// dist/footfall-chat.js: the chat widget adapters.
boot((t) => chat(t))
