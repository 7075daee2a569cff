import { randomUUID } from 'node:crypto';

/** App-generated text id (UUID v4). */
export function newId(): string {
  return randomUUID();
}

/** ISO-8601 UTC timestamp made in JS, e.g. 2026-11-25T08:00:00.000Z. */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
