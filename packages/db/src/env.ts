/** The only place this package reads process.env. */
export interface DbEnv {
  /** DATABASE_URL: a postgres:// URL, a SQLite path or file: URL; undefined → data/app.db */
  databaseUrl: string | undefined;
  /** TEST_DATABASE_URL: the PostgreSQL server used by createTestDatabase('postgres') */
  testDatabaseUrl: string;
  /** TEST_DIALECTS: comma-separated subset of sqlite,postgres */
  testDialects: string[] | undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

export function readDbEnv(env: NodeJS.ProcessEnv = process.env): DbEnv {
  const dialects = nonEmpty(env.TEST_DIALECTS);
  return {
    databaseUrl: nonEmpty(env.DATABASE_URL),
    testDatabaseUrl: nonEmpty(env.TEST_DATABASE_URL) ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    testDialects: dialects?.split(',').map((s) => s.trim()).filter((s) => s !== ''),
  };
}
