/** One colour per channel, the same on every chart; channels outside GA4's list get one by name. */
const KNOWN: Record<string, string> = {
  Direct: '#6e7781',
  'Organic Search': '#1a7f37',
  'Paid Search': '#bf8700',
  'Organic Social': '#8250df',
  'Paid Social': '#cf222e',
  Email: '#0969da',
  Referral: '#1b7c83',
  Display: '#bc4c00',
  Affiliates: '#953800',
  'Organic Video': '#a40e26',
  'Paid Video': '#6639ba',
  Unassigned: '#8c959f',
}
const SPARE = ['#0550ae', '#116329', '#7d4e00', '#8a4600', '#6f42c1', '#a0111f']

export const FOCUS = '#0b3d91'

export const colorOf = (channel: string): string => {
  if (Object.hasOwn(KNOWN, channel)) return KNOWN[channel]
  let n = 0
  for (const ch of channel) n = (n * 31 + ch.charCodeAt(0)) | 0
  return SPARE[Math.abs(n) % SPARE.length]
}
