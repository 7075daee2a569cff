// GET /api/ready: may this process take traffic? The database answers and every migration this
// code knows has been applied (a load balancer keeps a process out of rotation until both hold).
// /api/health stays the liveness probe: the process is up.
import { sql } from "kysely";
import { pendingMigrations } from "@duban/db";
import type { InnerContext } from "../context";

export interface Readiness {
  ready: boolean;
  database: "ok" | "unreachable";
  /** migrations this code has that the database has not applied */
  pendingMigrations: string[];
}

export async function readiness(inner: InnerContext, timeoutMs = 2000): Promise<Readiness> {
  const check = async (): Promise<Readiness> => {
    await sql`select 1`.execute(inner.db);
    const pending = await pendingMigrations(inner.db);
    return { ready: pending.length === 0, database: "ok", pendingMigrations: pending };
  };
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("database check timed out")), timeoutMs).unref());
  try {
    return await Promise.race([check(), timeout]);
  } catch {
    return { ready: false, database: "unreachable", pendingMigrations: [] };
  }
}
