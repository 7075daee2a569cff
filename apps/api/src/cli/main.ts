/* eslint-disable no-console -- a command-line tool prints its results */
// `pnpm cli <command>`: administration from the command line of a new or running installation.
//   user add --username U --password P --role R [--unit NAME] [--name DISPLAY]
//   audit verify [--checkpoint <file>]      audit checkpoint      audit archive [--before YYYY-MM-DD]
//   import [--dry-run] [--json] <file.txt|.docx|.xlsx|.doc|.wps|.pdf>
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
} from "@duban/db";
import { parsePlanDocument, PlanFileError, readPlanFile, type PlanDocument } from "@duban/plan-import";
import { ROLES, type Role } from "@duban/workflow";
import { configFromEnv } from "../config";
import { detachedRequest, type InnerContext } from "../context";
import { readEnv } from "../env";
import { createLogger } from "../logger";
import { checkPasswordPolicy, hashPassword } from "../security/passwords";
import { recordAudit } from "../services/audit";
import { archiveAuditLog, verifyHistory } from "../services/audit-archive";
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

/** A plan file of any kind the importer reads (.txt/.docx/.xlsx/.doc/.wps/.pdf). */
async function readDocument(file: string): Promise<PlanDocument> {
  const bytes = await readFile(fromUser(file)).catch(() => fail(`import: cannot read ${file}`));
  try {
    return await readPlanFile(bytes, file);
  } catch (e) {
    if (e instanceof PlanFileError) fail(`import: ${e.message}`);
    throw e;
  }
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
    const { positionals, values } = parseArgs({ args: rest, allowPositionals: true, options: { checkpoint: { type: "string" }, before: { type: "string" } } });
    if (positionals[0] === "archive") {
      let before: Date | undefined;
      if (values.before !== undefined) {
        before = new Date(`${values.before}T00:00:00+08:00`);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(values.before) || Number.isNaN(before.getTime())) fail("audit archive: --before must be a date YYYY-MM-DD (China time)");
      }
      const result = await withDb((inner) => archiveAuditLog({ ...inner, session: null, request: detachedRequest() }, before ? { before } : {})).catch((e: unknown) =>
        fail(`audit archive: ${e instanceof Error ? e.message : String(e)}`, 1),
      );
      const dir = configFromEnv(env).ops.archiveDir;
      for (const a of result.archives) console.log(`archived ${a.count} records (seq ${a.firstSeq}..${a.lastSeq}, ${a.fromAt} – ${a.toAt}) to ${join(dir, a.fileName)}`);
      console.log(result.archived === 0 ? `nothing to archive: no record older than ${result.before}` : `${result.archived} records archived in ${result.archives.length} file(s); keep ${dir} on other storage too`);
      break;
    }
    if (positionals[0] === "checkpoint") {
      const created = await withDb((inner) => createCheckpoint(inner, "manual"));
      if (created) console.log(`checkpoint written: ${join(configFromEnv(env).security.checkpointDir, created.file)} (${created.checkpoint.count} records, head ${created.checkpoint.headHash})`);
      break;
    }
    if (positionals[0] !== "verify") fail("usage: pnpm cli audit verify [--checkpoint <file>] | pnpm cli audit checkpoint | pnpm cli audit archive [--before YYYY-MM-DD]");
    if (values.checkpoint !== undefined) {
      const text = await readFile(fromUser(values.checkpoint), "utf8").catch(() => fail(`audit verify: cannot read ${values.checkpoint}`));
      const verdict = await withDb((inner) => verifyCheckpoint(inner, text)).catch((e: unknown) => fail(`audit verify: ${e instanceof Error ? e.message : String(e)}`));
      console.log(verdict.ok ? `checkpoint OK: ${verdict.message}` : `checkpoint FAILED (${verdict.problem}): ${verdict.message}`);
      if (!verdict.ok) process.exit(1);
      break;
    }
    // the whole history: every archive file (named when missing, altered or swapped) + the database
    const result = await withDb((inner) => verifyHistory(inner));
    if (result.ok) {
      console.log(`audit chain OK: ${result.count} records, head ${result.headHash}${result.archives > 0 ? ` (${result.archivedCount} of them in ${result.archives} archive file(s))` : ""}`);
    } else if (result.chain && !result.chain.ok) {
      const { brokenAt } = result.chain;
      console.log(`audit chain BROKEN at seq ${brokenAt.seq}${brokenAt.id ? ` (id ${brokenAt.id})` : ""}: ${brokenAt.problem}; ${result.chain.count} records checked`);
      process.exit(1);
    } else {
      console.log(`audit history BROKEN (${result.problem})${result.archive ? ` in ${result.archive}` : ""}: ${result.message}`);
      process.exit(1);
    }
    break;
  }
  case "import": {
    const { positionals, values } = parseArgs({ args: rest, allowPositionals: true, options: { "dry-run": { type: "boolean" }, json: { type: "boolean" } } });
    const file = positionals[0];
    if (!file) fail("usage: pnpm cli import [--dry-run] [--json] <file>");
    const doc = await readDocument(file);
    if (values["dry-run"]) {
      const { units: _units, ...plan } = parsePlanDocument(doc);
      const shaped = { ...plan, tasks: plan.tasks.map(({ headings: _h, groups: _g, unitIds: _u, ...t }) => t) };
      console.log(values.json ? JSON.stringify(shaped, null, 2) : `${plan.title} ${plan.docNumber ?? ""}: ${plan.tasks.length} tasks, ${plan.phases.length} phases`);
      break;
    }
    await withDb(async (inner) => {
      const parsed = await previewImport(inner, doc);
      const { draft, unassigned } = draftFromParsed(parsed, doc.text);
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
    fail("commands: user add | audit verify [--checkpoint <file>] | audit checkpoint | audit archive [--before YYYY-MM-DD] | keys rotate | keys prune | import [--dry-run] [--json] <file> | backup <file> | restore <file> | migrate");
}
