// The one-line footfall stub: calls made before footfall.js arrives are queued, then replayed.
window.footfall=window.footfall||function(){(footfall.q=footfall.q||[]).push(arguments)}
