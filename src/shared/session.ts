/**
 * A session ends after 30 minutes without events (GA4 and Segment use the same): the SDK starts
 * a new one then, and the reports cut events without a session id at the same gap.
 */
export const SESSION_MS = 30 * 60e3
