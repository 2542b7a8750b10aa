import type { SeriesPoint } from '../src/kpi/index'
export declare const MONDAY: number
export declare const rng: (seed: number) => () => number
export declare const weekly: (o: { weeks: number; level?: number; season?: number; trend?: number; noise?: number; step?: { at: number; size: number }; spikes?: number; seed?: number }) => number[]
export declare const asSeries: (values: number[], start?: number) => SeriesPoint[]
