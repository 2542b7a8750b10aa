/**
 * GA4's default channel grouping, as data: source lists, medium lists and an ordered
 * rule table. The first rule that matches names the channel.
 * https://support.google.com/analytics/answer/9756891
 */
import type { Campaign } from '../shared/types'

export type Channel =
  | 'Direct'
  | 'Cross-network'
  | 'Paid Shopping'
  | 'Paid Search'
  | 'Paid Social'
  | 'Paid Video'
  | 'Display'
  | 'Paid Other'
  | 'Organic Shopping'
  | 'Organic Social'
  | 'Organic Video'
  | 'Organic Search'
  | 'Email'
  | 'Affiliates'
  | 'Referral'
  | 'Audio'
  | 'SMS'
  | 'Mobile Push Notifications'
  | 'Unassigned'

/** What a session's first event says about where it came from. */
export interface Touch extends Campaign {
  /** `context.page.referrer` of the session's first event. */
  referrer?: string
  /** `context.page.url` of that event: a referrer on the same host is not a referral. */
  url?: string
}

/** Source and medium as GA4 would report them, plus the campaign name. */
export interface TrafficSource {
  source: string
  medium: string
  campaign: string
}

// Abridged from GA4's "source categories" list. Entries are either a brand label
// (`google` matches google.com, www.google.co.uk, news.google.com) or a full host.
export const SOURCES: Record<'search' | 'social' | 'video' | 'shopping', readonly string[]> = {
  search: [
    'google', 'bing', 'yahoo', 'baidu', 'duckduckgo', 'yandex', 'ecosia', 'naver', 'ask', 'aol',
    'seznam', 'qwant', 'startpage', 'brave', 'search.brave.com', 'sogou', 'so.com', 'daum', 'msn',
    'onet', 'rambler', 'mail.ru', 'coccoc', 'yahoo.co.jp', 'perplexity', 'kagi', 'lycos', 'dogpile',
  ],
  social: [
    'facebook', 'fb', 'fb.me', 'm.me', 'instagram', 'ig', 'linkedin', 'lnkd.in', 'twitter', 't.co', 'x',
    'pinterest', 'pin.it', 'reddit', 'tiktok', 'snapchat', 'tumblr', 'vk', 'weibo', 'quora', 'threads',
    'threads.net', 'mastodon', 'bsky', 'bsky.app', 'discord', 'whatsapp', 'telegram', 't.me', 'messenger',
    'line', 'wechat', 'meetup', 'yelp', 'tripadvisor', 'medium', 'producthunt', 'news.ycombinator.com',
    'slack', 'xing', 'ok.ru', 'douban', 'qzone', 'flickr', 'deviantart', 'goodreads', 'nextdoor',
  ],
  video: [
    'youtube', 'youtu.be', 'vimeo', 'dailymotion', 'twitch', 'wistia', 'netflix', 'ted', 'bilibili',
    'iqiyi', 'rutube', 'veoh', 'hulu', 'primevideo', 'disneyplus',
  ],
  shopping: [
    'amazon', 'ebay', 'etsy', 'shopify', 'walmart', 'shopping.google.com', 'alibaba', 'aliexpress',
    'mercadolibre', 'rakuten', 'target', 'bestbuy', 'zalando', 'otto', 'allegro', 'temu', 'shein',
    'wish', 'igshopping', 'shopzilla', 'pricegrabber', 'idealo',
  ],
}

export const MEDIUMS = {
  paid: /^(.*cp.*|ppc|retargeting|paid.*)$/,
  display: ['display', 'banner', 'expandable', 'interstitial', 'cpm'],
  social: ['social', 'social-network', 'social-media', 'sm', 'social network', 'social media'],
  video: /^(.*video.*)$/,
  referral: ['referral', 'app', 'link'],
  email: ['email', 'e-mail', 'e_mail', 'e mail'],
  push: /(push$|mobile|notification)/,
}

const SHOP_CAMPAIGN = /^(.*(([^a-df-z]|^)shop|shopping).*)$/

type Category = keyof typeof SOURCES
const categories = new Map<string, Category>()
for (const [category, names] of Object.entries(SOURCES) as [Category, readonly string[]][]) {
  for (const name of names) categories.set(name, category)
}

/** The label before the public suffix: `www.google.co.uk` → `google`. Good enough for known brands. */
const brandOf = (host: string): string => {
  const labels = host.split('.')
  if (labels.length < 2) return host
  const secondLevel = labels.length > 2 && labels.at(-1)!.length === 2 && /^(co|com|net|org|ne|or|ac|gov|edu)$/.test(labels.at(-2)!)
  return labels[labels.length - (secondLevel ? 3 : 2)]
}

const stripHost = (host: string) => host.toLowerCase().replace(/^(www|m|l|lm|mobile)\./, '')

/** Which GA4 source category a source (a name like `google` or a host) falls in, if any. */
export const categoryOf = (source: string): Category | undefined => {
  const s = stripHost(source.trim())
  return categories.get(s) ?? (s.includes('.') ? categories.get(brandOf(s)) : undefined)
}

const hostOf = (url: string | undefined): string | undefined => {
  if (!url) return undefined
  try {
    return new URL(url).hostname.toLowerCase()
  } catch {
    return undefined
  }
}

const lower = (v: unknown): string => (typeof v === 'string' ? v.trim().toLowerCase() : '')

/**
 * Source / medium the way GA4 derives them: utm values first, then ad click ids
 * (auto-tagging), then the referrer; nothing at all is `(direct) / (none)`.
 */
export const trafficSourceOf = (touch: Touch): TrafficSource => {
  const campaign = lower(touch.name) || '(not set)'
  const source = lower(touch.source)
  const medium = lower(touch.medium)
  if (source || medium) return { source: source || '(not set)', medium: medium || '(not set)', campaign }
  if (touch.gclid || touch.gbraid || touch.wbraid) return { source: 'google', medium: 'cpc', campaign }
  if (touch.msclkid) return { source: 'bing', medium: 'cpc', campaign }
  if (touch.dclid) return { source: 'dv360', medium: 'display', campaign }
  if (touch.ttclid) return { source: 'tiktok', medium: 'cpc', campaign }
  // Meta appends fbclid to every outbound link, paid or not: it only says "from Facebook".
  if (touch.fbclid) return { source: 'facebook', medium: 'referral', campaign }
  const ref = hostOf(touch.referrer)
  // A referrer on the site's own host is navigation inside the site, not a referral.
  if (ref && ref !== hostOf(touch.url)) {
    const host = stripHost(ref)
    const category = categoryOf(host)
    // Name the source by the list entry that matched (`t.co` stays `t.co`, `www.google.de` is `google`).
    const name = !category || categories.has(host) ? host : brandOf(host)
    return { source: name, medium: category === 'search' ? 'organic' : 'referral', campaign }
  }
  return { source: '(direct)', medium: '(none)', campaign }
}

type Rule = readonly [Channel, (t: TrafficSource, category: Category | undefined) => boolean]

const paid = (t: TrafficSource) => MEDIUMS.paid.test(t.medium)
const shopCampaign = (t: TrafficSource) => SHOP_CAMPAIGN.test(t.campaign)

/** GA4's rules in evaluation order. */
export const RULES: readonly Rule[] = [
  ['Direct', (t) => t.source === '(direct)' && (t.medium === '(none)' || t.medium === '(not set)')],
  ['Cross-network', (t) => t.campaign.includes('cross-network')],
  ['Paid Shopping', (t, c) => (c === 'shopping' || shopCampaign(t)) && paid(t)],
  ['Paid Search', (t, c) => c === 'search' && paid(t)],
  ['Paid Social', (t, c) => c === 'social' && paid(t)],
  ['Paid Video', (t, c) => c === 'video' && paid(t)],
  ['Display', (t) => MEDIUMS.display.includes(t.medium)],
  ['Paid Other', paid],
  ['Organic Shopping', (t, c) => c === 'shopping' || shopCampaign(t)],
  ['Organic Social', (t, c) => c === 'social' || MEDIUMS.social.includes(t.medium)],
  ['Organic Video', (t, c) => c === 'video' || MEDIUMS.video.test(t.medium)],
  ['Organic Search', (t, c) => c === 'search' || t.medium === 'organic'],
  ['Email', (t) => MEDIUMS.email.includes(t.source) || MEDIUMS.email.includes(t.medium)],
  ['Affiliates', (t) => t.medium === 'affiliate'],
  ['Referral', (t) => MEDIUMS.referral.includes(t.medium)],
  ['Audio', (t) => t.medium === 'audio'],
  ['SMS', (t) => t.source === 'sms' || t.medium === 'sms'],
  ['Mobile Push Notifications', (t) => MEDIUMS.push.test(t.medium) || t.source === 'firebase'],
]

/** The GA4 default channel of a source / medium / campaign. */
export const channelOfSource = (t: TrafficSource): Channel => {
  const category = categoryOf(t.source)
  for (const [channel, test] of RULES) if (test(t, category)) return channel
  return 'Unassigned'
}

/** The GA4 default channel of a session, from its first event's campaign and referrer. */
export const channelOf = (touch: Touch): Channel => channelOfSource(trafficSourceOf(touch))
