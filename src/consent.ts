import type { ConsentState, Options } from './options'

export const STATES: ConsentState[] = ['granted', 'pending', 'denied']

/**
 * The consent state footfall starts in: `denied` when the site respects Do Not Track / Global
 * Privacy Control and the browser sends either, else the configured state, else `granted`.
 * An explicit consent() call later (a CMP's answer) always wins.
 */
export function initialConsent(o: Options): ConsentState {
  const n = navigator as Navigator & { globalPrivacyControl?: boolean }
  if (o.respectDnt && (n.doNotTrack == '1' || n.globalPrivacyControl === true)) return 'denied'
  return STATES.includes(o.consent!) ? o.consent! : 'granted'
}
