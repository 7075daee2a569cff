// "Today" and "this month" on the page: the one clock rule (`@duban/workflow/clock`) in the office's
// zone, which the server reports in auth.me — never the browser's own zone (dayjs()).
import { calendarDay, calendarMonth } from "@duban/workflow/clock";
import { useMe } from "../auth";

/** Today 'YYYY-MM-DD' in the office's zone. */
export function useToday(): string {
  return calendarDay(new Date(), useMe().timeZone);
}

/** This month 'YYYY-MM' in the office's zone. */
export function useThisMonth(): string {
  return calendarMonth(new Date(), useMe().timeZone);
}
