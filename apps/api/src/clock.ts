// The server's reading of the one clock rule (`@duban/workflow/clock`): "today", "this month" and
// the calendar day of a stored timestamp, in the configured zone (DUBAN_TIMEZONE, default
// Asia/Shanghai). Never slice a UTC ISO string for a day or a month: from 00:00 to 08:00 Beijing
// time that is yesterday.
import { calendarDay, calendarMonth, startOfDay } from "@duban/workflow/clock";

/** What a clock reading needs: the context's clock and the configured zone. */
export interface ClockContext {
  clock: () => Date;
  config: { timeZone: string };
}

/** Today 'YYYY-MM-DD' in the configured zone. */
export function todayOf(ctx: ClockContext): string {
  return calendarDay(ctx.clock(), ctx.config.timeZone);
}

/** This month 'YYYY-MM' in the configured zone. */
export function monthOf(ctx: ClockContext): string {
  return calendarMonth(ctx.clock(), ctx.config.timeZone);
}

/** The calendar day 'YYYY-MM-DD' of a stored instant (an ISO timestamp such as created_at). */
export function dayOfInstant(ctx: Pick<ClockContext, "config">, instant: string | Date): string {
  return calendarDay(typeof instant === "string" ? new Date(instant) : instant, ctx.config.timeZone);
}

/** The calendar month 'YYYY-MM' of a stored instant. */
export function monthOfInstant(ctx: Pick<ClockContext, "config">, instant: string | Date): string {
  return calendarMonth(typeof instant === "string" ? new Date(instant) : instant, ctx.config.timeZone);
}

/** The first instant (ISO, as stored) of calendar day `day` in the configured zone: a stored instant is on an earlier day ⇔ it sorts before this. */
export function startOfDayInstant(ctx: Pick<ClockContext, "config">, day: string): string {
  return startOfDay(day, ctx.config.timeZone).toISOString();
}
