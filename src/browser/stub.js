// The queueing stub as a file of its own, for pages whose Content-Security-Policy forbids inline
// scripts: load it (without async) before footfall.js. footfall.js replays what it queued, in order.
window.footfall = window.footfall || function () { (footfall.q = footfall.q || []).push(arguments) }
