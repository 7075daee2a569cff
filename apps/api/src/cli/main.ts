/* eslint-disable no-console -- a command-line tool prints its results */
// `pnpm cli <command>`: administration from the command line of a new or running installation.
//   user add --username U --password P --role R [--unit NAME] [--name DISPLAY]
//   audit verify [--checkpoint <file>]      audit checkpoint
//   import [--dry-run] [--json] <file.txt|file.docx>
//   keys rotate          keys prune
//   backup <file>        restore <file>        migrate
import { readFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  backupSqlite,
  createDatabase,
  createUser,
  findUnitByName,
  getUserByUsername,
  inTransaction,
  migrateToLatest,
  restoreSqlite,
  verifyAuditChain,
} from "@duban/db";
import { parsePlan, readDocxText } from "@duban/plan-import";
import { ROLES, type Role } from "@duban/workflow";
import { configFromEnv } from "../config";
import { detachedRequest, type InnerContext } from "../context";
import { readEnv } from "../env";
import { createLogger } from "../logger";
import { checkPasswordPolicy, hashPassword } from "../security/passwords";
import { recordAudit } from "../services/audit";
import { createCheckpoint, verifyCheckpoint } from "../services/checkpoints";
import { pruneFieldKeys, rotateFieldKeys } from "../services/field-keys";
import { createPlanFromDraft, draftFromParsed, previewImport } from "../services/plans";

const env = readEnv();
// pnpm runs scripts in the package folder; resolve file arguments from where the user typed.
const userCwd = process.env.INIT_CWD ?? process.cwd();
const fromUser = (p: string) => (isAbsolute(p) ? p : resolve(userCwd, p));

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

async function withDb<T>(fn: (inner: InnerContext) => Promise<T>): Promise<T> {
  const handle = createDatabase({ url: env.DATABASE_URL });
  try {
    await migrateToLatest(handle.db);
    return await fn({ db: handle.db, dialect: handle.dialect, config: configFromEnv(env), clock: () => new Date(), logger: createLogger("warn") });
  } finally {
    await handle.close();
  }
}

async function readDocument(file: string): Promise<string> {
  const bytes = await readFile(fromUser(file));
  return file.toLowerCase().endsWith(".docx") ? readDocxText(bytes) : bytes.toString("utf8");
}

const [command, ...rest] = process.argv.slice(2);

switch (command) {
  case "user": {
    const { positionals, values } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { username: { type: "string" }, password: { type: "string" }, role: { type: "string" }, unit: { type: "string" }, name: { type: "string" } },
    });
    if (positionals[0] !== "add") fail("usage: pnpm cli user add --username U --password P --role R [--unit NAME] [--name DISPLAY]");
    const { username, password, role } = values;
    if (!username || !password || !role) fail("user add: --username, --password and --role are required");
    if (!ROLES.includes(role as Role)) fail(`user add: --role must be one of ${ROLES.join(", ")}`);
    const problem = checkPasswordPolicy(password, username);
    if (problem) fail(`user add: ${problem}`);
    await withDb(async (inner) => {
      if (await getUserByUsername(inner.db, username)) fail(`user add: ${username} already exists`);
      const unit = values.unit ? await findUnitByName(inner.db, values.unit) : undefined;
      if (values.unit && unit === undefined) fail(`user add: no unit named ${values.unit}`);
      if (role === "liaison" && unit === undefined) fail("user add: a liaison needs --unit");
      const passwordHash = await hashPassword(password);
      const user = await inTransaction(inner.db, async (trx) => {
        const created = await createUser(trx, { username, display_name: values.name ?? username, password_hash: passwordHash, role: role as Role, unit_id: unit?.id ?? null, must_change_password: true });
        await recordAudit({ ...inner, request: detachedRequest(), session: null }, trx, {
          action: "user.create",
          actor_username: "cli",
          object_type: "user",
          object_id: created.id,
          detail: { username, role, unitId: unit?.id ?? null, via: "cli" },
        });
        return created;
      });
      console.log(`created ${user.username} (${user.role}); the password must be changed at first login`);
    });
    break;
  }
  case "audit": {
    const { positionals, values } = parseArgs({ args: rest, allowPositionals: true, options: { checkpoint: { type: "string" } } });
    if (positionals[0] === "checkpoint") {
      const created = await withDb((inner) => createCheckpoint(inner, "manual"));
      if (created) console.log(`checkpoint written: ${join(configFromEnv(env).security.checkpointDir, created.file)} (${created.checkpoint.count} records, head ${created.checkpoint.headHash})`);
      break;
    }
    if (positionals[0] !== "verify") fail("usage: pnpm cli audit verify [--checkpoint <file>] | pnpm cli audit checkpoint");
    if (values.checkpoint !== undefined) {
      const text = await readFile(fromUser(values.checkpoint), "utf8").catch(() => fail(`audit verify: cannot read ${values.checkpoint}`));
      const verdict = await withDb((inner) => verifyCheckpoint(inner, text)).catch((e: unknown) => fail(`audit verify: ${e instanceof Error ? e.message : String(e)}`));
      console.log(verdict.ok ? `checkpoint OK: ${verdict.message}` : `checkpoint FAILED (${verdict.problem}): ${verdict.message}`);
      if (!verdict.ok) process.exit(1);
      break;
    }
    const result = await withDb((inner) => verifyAuditChain(inner.db));
    if (result.ok) {
      console.log(`audit chain OK: ${result.count} records, head ${result.headHash}`);
    } else {
      console.log(`audit chain BROKEN at seq ${result.brokenAt.seq}${result.brokenAt.id ? ` (id ${result.brokenAt.id})` : ""}: ${result.brokenAt.problem}; ${result.count} records checked`);
      process.exit(1);
    }
    break;
  }
  case "import": {
    const { positionals, values } = parseArgs({ args: rest, allowPositionals: true, options: { "dry-run": { type: "boolean" }, json: { type: "boolean" } } });
    const file = positionals[0];
    if (!file) fail("usage: pnpm cli import [--dry-run] [--json] <file>");
    const text = await readDocument(file);
    if (values["dry-run"]) {
      const { units: _units, ...plan } = parsePlan(text);
      const shaped = { ...plan, tasks: plan.tasks.map(({ headings: _h, groups: _g, unitIds: _u, ...t }) => t) };
      console.log(values.json ? JSON.stringify(shaped, null, 2) : `${plan.title} ${plan.docNumber ?? ""}: ${plan.tasks.length} tasks, ${plan.phases.length} phases`);
      break;
    }
    await withDb(async (inner) => {
      const parsed = await previewImport(inner, text);
      const { draft, unassigned } = draftFromParsed(parsed, text);
      if (unassigned.length > 0 || parsed.unmatchedUnits.length > 0) {
        fail(`import: ${parsed.unmatchedUnits.length} unit names are not in the registry (${parsed.unmatchedUnits.join("、")}); map or create them, or import through the web page`, 1);
      }
      const created = await createPlanFromDraft({ ...inner, session: null, request: detachedRequest() }, draft, "import");
      console.log(values.json ? JSON.stringify(created) : `imported plan ${created.id} with ${created.taskCount} tasks`);
    });
    break;
  }
  case "backup": {
    if (!rest[0]) fail("usage: pnpm cli backup <file>");
    const { pages } = await backupSqlite(env.DATABASE_URL, fromUser(rest[0]));
    console.log(`backup written to ${fromUser(rest[0])} (${pages} pages)`);
    break;
  }
  case "restore": {
    if (!rest[0]) fail("usage: pnpm cli restore <file>   (stop the server first)");
    const { replaced } = restoreSqlite(env.DATABASE_URL, fromUser(rest[0]));
    console.log(`restored from ${fromUser(rest[0])}${replaced ? "; the previous file was kept as *.before-restore" : ""}`);
    break;
  }
  case "keys": {
    if (rest[0] === "rotate") {
      const r = await withDb((inner) => rotateFieldKeys(inner));
      console.log(`field key rotated: current ${r.newKeyId}, ${r.reencrypted} fields re-encrypted; old keys kept readable (${r.keptKeyIds.join(", ") || "none"}) — restart the servers, then run: pnpm cli keys prune`);
    } else if (rest[0] === "prune") {
      const r = await withDb((inner) => pruneFieldKeys(inner));
      if (!r.ok) fail(`keys prune: refused — ciphertexts per key: ${JSON.stringify(r.counts)} (run keys rotate first; environment keys are pruned by editing DUBAN_FIELD_KEY)`, 1);
      console.log(`old field keys removed: ${r.removed.join(", ") || "none"}`);
    } else {
      fail("usage: pnpm cli keys rotate | pnpm cli keys prune");
    }
    break;
  }
  case "migrate":
    await withDb(async () => console.log("migrations applied"));
    break;
  default:
    fail("commands: user add | audit verify [--checkpoint <file>] | audit checkpoint | keys rotate | keys prune | import [--dry-run] [--json] <file> | backup <file> | restore <file> | migrate");
}
