import { describe, expect, it } from "vitest";
import { calendarDay, calendarMonth, DEFAULT_TIME_ZONE, isTimeZone, startOfDay } from "./clock";

// Instants written in UTC; the comment gives Beijing time (UTC+8, no daylight saving).
const cases: { at: string; beijing: string; day: string; month: string }[] = [
  { at: "2026-12-04T15:30:00Z", beijing: "12-04 23:30", day: "2026-12-04", month: "2026-12" },
  { at: "2026-12-04T16:30:00Z", beijing: "12-05 00:30", day: "2026-12-05", month: "2026-12" },
  { at: "2026-11-30T15:59:59Z", beijing: "11-30 23:59", day: "2026-11-30", month: "2026-11" },
  { at: "2026-11-30T16:00:00Z", beijing: "12-01 00:00", day: "2026-12-01", month: "2026-12" },
  { at: "2026-11-30T23:30:00Z", beijing: "12-01 07:30", day: "2026-12-01", month: "2026-12" },
  { at: "2026-12-31T16:30:00Z", beijing: "2027-01-01 00:30", day: "2027-01-01", month: "2027-01" },
  { at: "2026-12-04T02:00:00Z", beijing: "12-04 10:00", day: "2026-12-04", month: "2026-12" },
];

describe("the one clock", () => {
  it("defaults to Beijing time", () => {
    expect(DEFAULT_TIME_ZONE).toBe("Asia/Shanghai");
  });

  it.each(cases)("$at is $day in Beijing ($beijing)", ({ at, day, month }) => {
    expect(calendarDay(new Date(at))).toBe(day);
    expect(calendarMonth(new Date(at))).toBe(month);
    expect(calendarDay(new Date(at), "Asia/Shanghai")).toBe(day);
  });

  it("follows a configured zone", () => {
    // 2026-11-30 23:30 UTC is still the 30th in UTC and in New York
    expect(calendarDay(new Date("2026-11-30T23:30:00Z"), "UTC")).toBe("2026-11-30");
    expect(calendarMonth(new Date("2026-12-01T03:00:00Z"), "America/New_York")).toBe("2026-11");
  });

  it("knows real zones and refuses made-up ones", () => {
    expect(isTimeZone("Asia/Shanghai")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(() => calendarDay(new Date(), "Mars/Olympus")).toThrow(RangeError);
  });
});

describe("the first instant of a day", () => {
  it("is Beijing midnight: 16:00 UTC the day before", () => {
    expect(startOfDay("2026-12-05").toISOString()).toBe("2026-12-04T16:00:00.000Z");
    expect(startOfDay("2026-01-01", "Asia/Shanghai").toISOString()).toBe("2025-12-31T16:00:00.000Z");
  });
  it("splits instants exactly, in zones with half hours and summer time", () => {
    for (const zone of ["Asia/Shanghai", "Asia/Kolkata", "America/New_York", "UTC"]) {
      for (const day of ["2026-03-08", "2026-03-09", "2026-11-01", "2026-12-05"]) {
        const t = startOfDay(day, zone).getTime();
        expect(calendarDay(new Date(t), zone)).toBe(day);
        expect(calendarDay(new Date(t - 1), zone) < day).toBe(true);
      }
    }
  });

  it("gives every instant the day Intl gives it, whichever instant of its quarter hour was asked first", () => {
    const zones = ["Asia/Shanghai", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "Europe/London", "UTC"];
    const reference = (at: Date, timeZone: string) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
    let seed = 20261206;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 4000; i++) {
      const zone = zones[i % zones.length] as string;
      // around local midnights and summer-time changes: a whole quarter hour of some day, ± up to 15 minutes
      const quarter = Date.UTC(1985 + Math.floor(random() * 80), Math.floor(random() * 12), 1 + Math.floor(random() * 28), Math.floor(random() * 24), Math.floor(random() * 4) * 15);
      for (const offset of [0, 1, 899_999, -1, 450_000]) {
        const at = new Date(quarter + offset);
        expect(calendarDay(at, zone), `${at.toISOString()} ${zone}`).toBe(reference(at, zone));
      }
    }
    expect(calendarDay(new Date("1901-06-30T15:54:00Z"), "Asia/Shanghai")).toBe(reference(new Date("1901-06-30T15:54:00Z"), "Asia/Shanghai"));
  });
});
