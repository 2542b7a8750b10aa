import type { RealSeries, RealWeek } from './index.mjs'

export const HORIZON: number
export const CONFIDENCE: number

export interface Weeks {
  weeks: (RealWeek & { sessions: number })[]
  days: { start: string; sessions: number }[]
}
export interface RuleAnswer {
  floor: number | null
  baseline: number[]
  eligible: boolean
}
export type Rule = (data: Weeks, origin: number) => RuleAnswer
export interface Judged {
  name: string
  held: number
  judged: number
  ratios: number[]
  zero: number
  above: number
  origins: number
  eligible: number
  committed: number
  eligibleCommitted: number
}

export function weeksOf(series: RealSeries): Weeks
export function footfallRule(computeCommitments: (series: any[], options: any) => any[]): Rule
export const naiveRule: Rule
export function judge(series: RealSeries, rule: Rule): Judged
export function pool(results: Judged[]): Judged
export function medianOf(xs: number[]): number
