// Shared by this package's tests only: the app on an in-memory SQLite database with the demo data,
// and tRPC callers signed in through auth.login like a browser would be.
import { createDatabase, migrateToLatest, type UserRow } from "@duban/db";
import { testConfig } from "./config";
import { detachedRequest, type InnerContext } from "./context";
import { createLogger } from "./logger";
import { createCaller } from "./router";
import { resolveSession } from "./services/auth";
import { DEMO_PASSWORD, seedDemoData } from "./services/demo-seed";

export type Caller = ReturnType<typeof createCaller>;

export async function openDemoApp(): Promise<{ inner: InnerContext; close: () => Promise<void> }> {
  const handle = createDatabase({ url: ":memory:" });
  await migrateToLatest(handle.db);
  const inner: InnerContext = { db: handle.db, dialect: handle.dialect, config: testConfig(), clock: () => new Date(), logger: createLogger("silent") };
  await seedDemoData(inner);
  return { inner, close: () => handle.close() };
}

/** Signs in through auth.login and returns a caller bound to that session (and client address). */
export async function signIn(
  inner: InnerContext,
  username: string,
  options: { password?: string; clientIp?: string | null } = {},
): Promise<{ caller: Caller; user: UserRow | null }> {
  const clientIp = options.clientIp ?? null;
  let token: string | null = null;
  await createCaller({ ...inner, request: detachedRequest({ clientIp, setSessionCookie: (t) => (token = t) }), session: null }).auth.login({
    username,
    password: options.password ?? DEMO_PASSWORD,
  });
  const session = await resolveSession(inner, token);
  return { caller: createCaller({ ...inner, request: detachedRequest({ sessionToken: token, clientIp }), session }), user: session?.user ?? null };
}
