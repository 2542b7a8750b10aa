/** One calendar day of a series; value is null when the day is missing. */
export interface RealDay {
  /** 'YYYY-MM-DD' */
  date: string;
  value: number | null;
}

/** One series, every calendar day from its first to its last date. */
export interface RealSeries {
  /** File name without '.csv', e.g. 'wikipedia-peyton-manning'. */
  name: string;
  days: RealDay[];
}

/** One complete ISO week (Monday to Sunday). */
export interface RealWeek {
  /** The Monday, 'YYYY-MM-DD'. */
  start: string;
  /** Sum of the present days; null when all seven days are missing. */
  value: number | null;
  /** Number of missing days in the week, 0 to 7. */
  missing: number;
}

/** Loads every CSV in bench/real/, sorted by name, gaps filled with null. */
export function loadReal(): RealSeries[];

/** Sums days into complete ISO weeks; partial first and last weeks are dropped. */
export function weekly(days: ReadonlyArray<{ date: string; value: number | null }>): RealWeek[];
