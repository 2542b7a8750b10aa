import type { ConsentState, Options } from './options'

export const STATES: ConsentState[] = ['granted', 'pending', 'denied']

/**
 * The consent state footfall applies when `asked` is requested (by data-consent / the consent
 * option at start, by consent() later; anything unset means `granted`). When the site respects
 * Do Not Track / Global Privacy Control and the browser sends either, the answer is always
 * `denied`: a consent platform that grants by default must not override the visitor's signal.
 */
export function consentFor(o: Options, asked?: ConsentState): ConsentState {
  const n = navigator as Navigator & { globalPrivacyControl?: boolean }
  if (o.respectDnt && (n.doNotTrack == '1' || n.globalPrivacyControl === true)) return 'denied'
  return STATES.includes(asked!) ? asked! : 'granted'
}
