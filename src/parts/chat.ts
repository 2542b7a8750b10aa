import { chat } from '../autocapture/chat'
import { clicks } from '../autocapture/clicks'
import { boot } from '../lib/lazy'

// dist/footfall-chat.js: click capture (declarative markup, contact links) and the chat widget adapters.
boot((t) => (clicks(t), chat(t)))
