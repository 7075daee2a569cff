/** A rate-limit counter (sign-in failures per address, per account and address). */
export interface RateLimitsTable {
  key: string;
  points: number;
  /** end of the current window, epoch milliseconds (bigint: a string on PostgreSQL); null = never */
  expire: number | string | null;
}
