// Demo data for a new installation: the plan of seed document 000 (东政办〔2021〕16号) with its
// units, its leading group, demo users for every role, and tasks under way. Two scenarios: "fixture"
// (the plan as written, a few moves — what the tests count on) and "living" (demo-living.ts: dated
// relative to today, every stage, green/yellow/red — what `pnpm start` shows).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  createUnit,
  createUnitGroup,
  createUser,
  getUserByUsername,
  inTransaction,
  listTasks,
  type UnitKind,
} from "@duban/db";
import { collectUnitNames, parsePlan } from "@duban/plan-import";
import type { Role, TaskCommand } from "@duban/workflow";
import { detachedRequest, type InnerContext } from "../context";
import { hashPassword } from "../security/passwords";
import { seedSplitDemo, seedSplitDemoPeople } from "./demo-split";
import { createPlanFromDraft, draftFromParsed, previewImport } from "./plans";
import { seedLivingDemo } from "./demo-living";
import { transitionTask } from "./tasks";

export const DEMO_PASSWORD = "Demo@2026";
export const DEMO_TEXT = fileURLToPath(new URL("../../demo/plan-000.txt", import.meta.url));
const ISSUER_PLACE = "东西湖区";
const OFFICE_UNIT = "东西湖区养老服务工作领导小组办公室";

/** The street offices of 东西湖区, for the 各街道办事处 group. */
const STREETS = ["吴家山街道", "将军路街道", "慈惠街道", "走马岭街道", "径河街道", "长青街道", "辛安渡街道", "东山街道", "新沟镇街道", "柏泉街道", "金银湖街道", "常青花园新区街道"];

/** Demo liaisons for the units that lead or co-handle most tasks: username → unit name as written. */
const LIAISONS: [string, string, string][] = [
  ["mzj", "区民政局", "民政局联络员 王敏"],
  ["wjj", "区卫生健康局", "卫健局联络员 李静"],
  ["ybj", "区医疗保障局", "医保局联络员 张伟"],
  ["czj", "区财政局", "财政局联络员 刘洋"],
  ["jyj", "区教育局", "教育局联络员 陈晨"],
  ["rsj", "区人力资源和社会保障局", "人社局联络员 杨帆"],
  ["gaj", "区公安分局", "公安分局联络员 赵磊"],
  ["zjj", "区住房和城乡建设局", "住建局联络员 孙丽"],
];

const STAFF: [string, Role, string][] = [
  ["office", "office", "领导小组办公室 周主任"],
  ["leader", "leader", "分管副区长 吴区长"],
  ["evaluator1", "evaluator", "区人大代表 郑代表"],
  ["evaluator2", "evaluator", "区人大代表 冯代表"],
  ["evaluator3", "evaluator", "区政协委员 何委员"],
  ["auditor", "auditor", "审计管理员 钱审计"],
  ["sysadmin", "sysadmin", "系统管理员 林工"],
  ["secadmin", "secadmin", "安全管理员 高工"],
];

function kindOf(name: string): UnitKind {
  if (/街道|办事处/.test(name)) return "street";
  if (/公司|集团/.test(name)) return "company";
  return "department";
}

/** Loads the demo once: returns null when the database already has users. */
export async function seedDemoData(ctx: InnerContext, scenario: "fixture" | "living" = "fixture"): Promise<{ planId: string; taskCount: number } | null> {
  const existing = await ctx.db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (existing !== undefined) return null;
  const text = readFileSync(DEMO_TEXT, "utf8");
  const names = collectUnitNames(parsePlan(text));
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  await inTransaction(ctx.db, async (trx) => {
    const at = ctx.clock().toISOString();
    const office = await createUnit(trx, { name: OFFICE_UNIT, aliases: ["领导小组办公室", "区养老服务工作领导小组办公室"], kind: "office", sort_order: 0, created_at: at });
    const departments = [];
    for (const [i, written] of names.units.entries()) {
      // Registry names carry the place; the plan's short form (区民政局) stays as an alias.
      const canonical = written.startsWith("区") ? `${ISSUER_PLACE}${written.slice(1)}` : written;
      departments.push(await createUnit(trx, { name: canonical, aliases: [written], kind: kindOf(written), sort_order: i + 1, created_at: at }));
    }
    const streets = [];
    for (const [i, street] of STREETS.entries()) {
      streets.push(await createUnit(trx, { name: `${ISSUER_PLACE}${street}办事处`, short_name: street, aliases: [street], kind: "street", sort_order: 100 + i, created_at: at }));
    }
    await createUnitGroup(trx, { name: "领导小组各成员单位", aliases: ["各成员单位"], memberIds: departments.map((d) => d.id) });
    await createUnitGroup(trx, { name: "各街道办事处", aliases: ["相关街道办事处", "各街道"], memberIds: streets.map((s) => s.id) });

    for (const [username, role, displayName] of STAFF) {
      await createUser(trx, { username, display_name: displayName, password_hash: passwordHash, role, unit_id: role === "office" || role === "leader" ? office.id : null, must_change_password: false, created_at: at });
    }
    for (const [username, written, displayName] of LIAISONS) {
      const unit = departments.find((d) => d.aliases.includes(written));
      if (unit === undefined) continue;
      await createUser(trx, { username, display_name: displayName, password_hash: passwordHash, role: "liaison", unit_id: unit.id, must_change_password: false, created_at: at });
    }
  });

  const officeUser = await getUserByUsername(ctx.db, "office");
  if (officeUser === undefined) throw new Error("demo office user missing");
  const asUser = async (username: string) => {
    const user = await getUserByUsername(ctx.db, username);
    if (user === undefined) throw new Error(`demo user ${username} missing`);
    return { ...ctx, request: detachedRequest(), session: { sessionId: "demo-seed", user } };
  };

  // `pnpm start`: the same people and plan, dated relative to today, every stage under way.
  if (scenario === "living") {
    // A task split at two levels (区民政局 → 街道 → 社区), seeded first so that the living plan is
    // the newest: the one the dashboard opens on.
    await seedSplitDemo(ctx, passwordHash);
    return seedLivingDemo(ctx, asUser, text);
  }

  // The tests' fixed scenario: plan 000 as written (dated 2021), a few tasks under way.
  const parsed = await previewImport(ctx, text);
  const { draft } = draftFromParsed(parsed, text);
  const plan = await createPlanFromDraft(await asUser("office"), draft, "import");

  // A few tasks under way, so that every role finds something in its to-do list.
  const { items: tasks } = await listTasks(ctx.db, { planId: plan.id, limit: 100 });
  const move = async (ordinal: number, username: string, event: TaskCommand) => {
    const task = (await listTasks(ctx.db, { planId: plan.id, limit: 100 })).items.find((t) => t.ordinal === ordinal);
    if (task === undefined) return;
    await transitionTask(await asUser(username), { taskId: task.id, expectedVersion: task.version, event });
  };
  if (tasks.length >= 4) {
    await move(1, "mzj", { type: "SIGN" });
    await move(1, "mzj", { type: "SUBMIT", text: "办理方案：成立工作专班，按季度推进普惠养老服务，年底前完成。" });
    await move(2, "mzj", { type: "SIGN" });
    await move(2, "mzj", { type: "SUBMIT", text: "办理方案：联合卫健、应急、市场监管、公安开展养老机构综合监管。" });
    await move(2, "office", { type: "APPROVE", comment: "同意按方案推进" });
    await move(2, "wjj", { type: "SUBMIT_CONTRIBUTION", text: "区卫生健康局：已完成辖区养老机构医疗卫生检查 12 家。" });
    await move(2, "mzj", { type: "REPORT_PROGRESS", text: "已完成全区养老机构风险隐患排查，整改率 80%。", percent: 60 });
    await move(3, "mzj", { type: "SIGN" });
    await move(3, "mzj", { type: "SUBMIT", text: "办理方案：组织标准宣贯。" });
    await move(3, "office", { type: "RETURN", toStage: "deploy", reason: "vague_measures", text: "请细化宣贯的时间、对象和考核方式。" });
    await move(10, "office", { type: "URGE", text: "请尽快签收并报送办理方案。" });
  }
  // 层层分解's people (streets' and a community's liaisons); the tests build their own split plans,
  // so that plan 000 stays the fixture's only plan.
  await seedSplitDemoPeople(ctx, passwordHash);
  return { planId: plan.id, taskCount: tasks.length };
}
