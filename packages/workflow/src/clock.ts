// The one clock rule: which calendar day and month an instant belongs to. The office works on
// Beijing time, so "today", "this month", a deadline's day, a progress report's month and the daily
// job's day are all read here, in the configured zone (Asia/Shanghai unless configured otherwise),
// never from a UTC ISO string. Pure (Intl only): the server and the web both import it
// (`@duban/workflow/clock` pulls in no XState).

/** The zone the office works in, unless the deployment configures another (DUBAN_TIMEZONE). */
export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

// Building an Intl.DateTimeFormat costs tens of microseconds; reading one costs about one.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    // throws a RangeError for an unknown zone: a misconfiguration fails at start, not silently
    f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows this IANA zone name. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

// Every zone's offset and every change of it since 1980 is a whole number of quarter hours, so an
// instant's day is that of its quarter hour: the days of recent quarter hours are kept (every move
// asks "today" and "this month" of the same few instants; formatToParts costs several µs a call).
const QUARTER_HOUR_MS = 900_000;
const QUARTERS_FROM = Date.UTC(1980, 0, 1);
const quarterDays = new Map<string, string>();

/** The calendar day 'YYYY-MM-DD' of an instant in a zone. */
export function calendarDay(at: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const ms = at.getTime();
  if (!(ms >= QUARTERS_FROM)) return formatDay(at, timeZone);
  const key = `${timeZone}|${Math.floor(ms / QUARTER_HOUR_MS)}`;
  let day = quarterDays.get(key);
  if (day === undefined) {
    day = formatDay(at, timeZone);
    if (quarterDays.size >= 4096) quarterDays.clear();
    quarterDays.set(key, day);
  }
  return day;
}

function formatDay(at: Date, timeZone: string): string {
  let year = "";
  let month = "";
  let day = "";
  for (const part of formatterOf(timeZone).formatToParts(at)) {
    if (part.type === "year") year = part.value;
    else if (part.type === "month") month = part.value;
    else if (part.type === "day") day = part.value;
  }
  return `${year.padStart(4, "0")}-${month}-${day}`;
}

/**
 * The first instant of calendar day `day` ('YYYY-MM-DD') in a zone: `calendarDay(t) < day` ⇔
 * `t < startOfDay(day)`. A stored instant compares with it as a string (both ISO, UTC), so "reached
 * its unit before day D" is a range SQL can read. Found by bisection on `calendarDay`, so any zone
 * offset (half hours, summer time) is right.
 */
export function startOfDay(day: string, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const midnightUtc = Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
  let lo = midnightUtc - 15 * 3_600_000; // calendarDay(lo) < day: no zone is 15 h ahead
  let hi = midnightUtc + 15 * 3_600_000; // calendarDay(hi) >= day: none is 15 h behind
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (calendarDay(new Date(mid), timeZone) < day) lo = mid;
    else hi = mid;
  }
  return new Date(hi);
}

/** The calendar day `n` days after `day` (before, when negative): date arithmetic, no zone involved. */
export function addCalendarDays(day: string, n: number): string {
  return new Date(Date.parse(`${day.slice(0, 10)}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The calendar month 'YYYY-MM' of an instant in a zone (a progress report counts for this month). */
export function calendarMonth(at: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  return calendarDay(at, timeZone).slice(0, 7);
}
