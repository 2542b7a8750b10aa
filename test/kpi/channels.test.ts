// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { channelOf, trafficSourceOf, type Touch } from '../../src/kpi/index'

const url = 'https://shop.example/landing'

// [description, touch, expected channel] — one line per GA4 rule, plus derivation cases.
const cases: [string, Touch, string][] = [
  ['no campaign, no referrer', { url }, 'Direct'],
  ['referrer on the same host is internal', { url, referrer: 'https://shop.example/other' }, 'Direct'],
  ['cross-network campaign', { source: 'google', medium: 'cpc', name: 'pmax cross-network' }, 'Cross-network'],
  ['paid shopping source', { source: 'amazon', medium: 'cpc' }, 'Paid Shopping'],
  ['paid shopping campaign name', { source: 'partner', medium: 'paid', name: 'summer shopping' }, 'Paid Shopping'],
  ['paid search utm', { source: 'google', medium: 'cpc' }, 'Paid Search'],
  ['paid search host source', { source: 'www.bing.com', medium: 'ppc' }, 'Paid Search'],
  ['gclid auto-tagging', { gclid: 'abc', url }, 'Paid Search'],
  ['msclkid auto-tagging', { msclkid: 'abc' }, 'Paid Search'],
  ['paid social', { source: 'facebook', medium: 'paid_social' }, 'Paid Social'],
  ['ttclid', { ttclid: 'x' }, 'Paid Social'],
  ['paid video', { source: 'youtube', medium: 'cpv' }, 'Paid Video'],
  ['display banner', { source: 'dv360', medium: 'banner' }, 'Display'],
  ['display cpm on unknown source', { source: 'adnetwork', medium: 'cpm' }, 'Display'],
  ['cpm on a search engine is paid search (paid rule first)', { source: 'google', medium: 'cpm' }, 'Paid Search'],
  ['display interstitial', { source: 'adnetwork', medium: 'interstitial' }, 'Display'],
  ['paid other', { source: 'partner', medium: 'retargeting' }, 'Paid Other'],
  ['organic shopping referrer', { referrer: 'https://www.amazon.com/dp/1' }, 'Organic Shopping'],
  ['organic social referrer', { referrer: 'https://l.facebook.com/' }, 'Organic Social'],
  ['organic social t.co', { referrer: 'https://t.co/abc' }, 'Organic Social'],
  ['organic social medium', { source: 'forum', medium: 'social' }, 'Organic Social'],
  ['fbclid without utm', { fbclid: 'x' }, 'Organic Social'],
  ['organic video referrer', { referrer: 'https://www.youtube.com/watch?v=1' }, 'Organic Video'],
  ['organic video medium', { source: 'blog', medium: 'video' }, 'Organic Video'],
  ['organic search referrer', { referrer: 'https://www.google.com/' }, 'Organic Search'],
  ['organic search ccTLD', { referrer: 'https://www.google.co.uk/' }, 'Organic Search'],
  ['organic search duckduckgo', { referrer: 'https://duckduckgo.com/' }, 'Organic Search'],
  ['organic medium', { source: 'someengine', medium: 'organic' }, 'Organic Search'],
  ['email medium', { source: 'newsletter', medium: 'email' }, 'Email'],
  ['email source', { source: 'e-mail', medium: 'blast' }, 'Email'],
  ['affiliate', { source: 'partner', medium: 'affiliate' }, 'Affiliates'],
  ['referral from an unknown site', { referrer: 'https://blog.example.org/post' }, 'Referral'],
  ['referral medium', { source: 'partner', medium: 'link' }, 'Referral'],
  ['audio', { source: 'podcast', medium: 'audio' }, 'Audio'],
  ['sms source', { source: 'sms', medium: 'text' }, 'SMS'],
  ['sms medium', { source: 'twilio', medium: 'sms' }, 'SMS'],
  ['push medium', { source: 'app', medium: 'web-push' }, 'Mobile Push Notifications'],
  ['firebase', { source: 'firebase', medium: 'x' }, 'Mobile Push Notifications'],
  ['utm source only, unknown', { source: 'flyer' }, 'Unassigned'],
  ['utm source only, search engine', { source: 'google' }, 'Organic Search'],
  ['case-insensitive', { source: 'Google', medium: 'CPC' }, 'Paid Search'],
  ['utm wins over referrer', { source: 'newsletter', medium: 'email', referrer: 'https://www.google.com/' }, 'Email'],
]

describe('channelOf (GA4 default channel grouping)', () => {
  it.each(cases)('%s', (_name, touch, expected) => {
    expect(channelOf(touch)).toBe(expected)
  })

  it('derives source / medium like GA4', () => {
    expect(trafficSourceOf({})).toEqual({ source: '(direct)', medium: '(none)', campaign: '(not set)' })
    expect(trafficSourceOf({ referrer: 'https://www.google.de/search' })).toMatchObject({ source: 'google', medium: 'organic' })
    expect(trafficSourceOf({ referrer: 'https://news.example.com/a' })).toMatchObject({ source: 'news.example.com', medium: 'referral' })
    expect(trafficSourceOf({ medium: 'email' })).toMatchObject({ source: '(not set)', medium: 'email' })
    expect(trafficSourceOf({ referrer: 'not a url' })).toMatchObject({ source: '(direct)' })
  })
})
