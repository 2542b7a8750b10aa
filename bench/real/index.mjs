// Real, openly licensed daily traffic series for benchmarks (see README.md in
// this folder for sources, licences and what each series contains).
//
//   import { loadReal, weekly } from './real/index.mjs';
//   for (const { name, days } of loadReal()) console.log(name, weekly(days).length);

import { readFileSync, readdirSync } from 'node:fs';

const DIR = new URL('./', import.meta.url);
const DAY_MS = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** 'YYYY-MM-DD' -> days since 1970-01-01 (UTC). */
function toDayNumber(date) {
  if (!DATE_RE.test(date)) throw new Error(`bad date ${JSON.stringify(date)}`);
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new Error(`bad date ${JSON.stringify(date)}`);
  }
  return ms / DAY_MS;
}

/** days since 1970-01-01 (UTC) -> 'YYYY-MM-DD'. */
function toDate(dayNumber) {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a day number: 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday). */
function isoWeekday(dayNumber) {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

function parseCsv(text, file) {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0 || lines[0].trim() !== 'date,value') {
    throw new Error(`${file}: expected header "date,value"`);
  }
  const values = new Map();
  for (let i = 1; i < lines.length; i++) {
    const [date, raw = '', ...rest] = lines[i].split(',');
    if (rest.length > 0) throw new Error(`${file}:${i + 1}: too many fields`);
    const day = toDayNumber(date.trim());
    if (values.has(day)) throw new Error(`${file}:${i + 1}: duplicate date ${date}`);
    const cell = raw.trim();
    let value = null;
    if (cell !== '' && cell !== 'NA') {
      value = Number(cell);
      if (!Number.isFinite(value)) throw new Error(`${file}:${i + 1}: bad value ${JSON.stringify(cell)}`);
    }
    values.set(day, value);
  }
  return values;
}

/**
 * Load every series in this folder, sorted by name. Each series covers every
 * calendar day from its first to its last date; days absent from the CSV (or
 * with an empty value) are present with value null, so gaps are explicit.
 */
export function loadReal() {
  const files = readdirSync(DIR)
    .filter((file) => file.endsWith('.csv'))
    .sort();
  return files.map((file) => {
    const values = parseCsv(readFileSync(new URL(file, DIR), 'utf8'), file);
    const dayNumbers = [...values.keys()];
    const days = [];
    if (dayNumbers.length > 0) {
      const first = Math.min(...dayNumbers);
      const last = Math.max(...dayNumbers);
      for (let d = first; d <= last; d++) {
        const value = values.get(d);
        days.push({ date: toDate(d), value: value === undefined ? null : value });
      }
    }
    return { name: file.slice(0, -'.csv'.length), days };
  });
}

/**
 * Sum daily values into complete ISO weeks (Monday to Sunday). Weeks cut by
 * the first or last date of the input are dropped. A day that is absent from
 * `days`, or whose value is null, counts as missing: `missing` is the number
 * of such days in the week (0 to 7), `value` the sum of the present days, or
 * null when all seven are missing.
 */
export function weekly(days) {
  const values = new Map();
  for (const { date, value } of days) {
    const day = toDayNumber(date);
    if (values.has(day)) throw new Error(`duplicate date ${date}`);
    values.set(day, value === undefined ? null : value);
  }
  if (values.size === 0) return [];
  const dayNumbers = [...values.keys()];
  const first = Math.min(...dayNumbers);
  const last = Math.max(...dayNumbers);
  const firstMonday = first + ((8 - isoWeekday(first)) % 7);
  const weeks = [];
  for (let monday = firstMonday; monday + 6 <= last; monday += 7) {
    let sum = 0;
    let missing = 0;
    for (let d = monday; d < monday + 7; d++) {
      const value = values.get(d);
      if (value === undefined || value === null) missing++;
      else sum += value;
    }
    weeks.push({ start: toDate(monday), value: missing === 7 ? null : sum, missing });
  }
  return weeks;
}
