// Bound once: looking crypto up on window for every event costs more than one would think.
const randomUUID = crypto.randomUUID?.bind(crypto)

/** A v4 UUID. `crypto.randomUUID` only exists in secure contexts; plain-http shops get the getRandomValues path. */
export const uuid = (): string =>
  randomUUID
    ? randomUUID()
    : '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
        (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (+c / 4)))).toString(16),
      )
