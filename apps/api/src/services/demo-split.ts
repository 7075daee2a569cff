// Demo data for 层层分解 (issue 20), kept apart from demo-seed.ts so that any demo builder can call
// it: a task set up by hand from a 领导批示, split by 区民政局 for two streets, and split again by
// one street for two of its communities — so a new user sees a split task at two levels at once.
import { addCalendarDays } from "@duban/workflow/clock";
import { createUnit, createUser, getUserByUsername, inTransaction, listTasks, listUnits, type TaskListItem, type UserRow } from "@duban/db";
import type { TaskCommand } from "@duban/workflow";
import { detachedRequest, type InnerContext } from "../context";
import { createPlanFromDraft } from "./plans";
import { transitionTask } from "./tasks";
import { todayOf } from "../clock";

/** Street and community liaisons of the demo: username, unit (as named in the demo), display name. */
export const SPLIT_DEMO_LIAISONS: [string, string, string][] = [
  ["wjs", "吴家山街道", "吴家山街道联络员 马丽"],
  ["jjl", "将军路街道", "将军路街道联络员 黄涛"],
  ["qx", "七雄社区", "七雄社区联络员 谢芳"],
];
const COMMUNITIES: [string, string][] = [
  ["七雄社区", "吴家山街道"],
  ["田园社区", "吴家山街道"],
];

async function findDemoUnits(ctx: InnerContext) {
  const findUnit = async (written: string) => {
    const unit = (await listUnits(ctx.db)).find((u) => u.name === written || u.aliases.includes(written) || u.short_name === written || u.name.endsWith(`${written}办事处`));
    if (unit === undefined) throw new Error(`demo unit ${written} missing`);
    return unit;
  };
  return { mzj: await findUnit("区民政局"), streets: [await findUnit("吴家山街道"), await findUnit("将军路街道")] };
}

/**
 * The people of the split demo: two communities under 吴家山街道 and the street and community
 * liaisons. Needs the demo units and users (区民政局 with liaison `mzj`, the streets, `office`).
 * Idempotent per database: does nothing when `wjs` exists.
 */
export async function seedSplitDemoPeople(ctx: InnerContext, passwordHash: string): Promise<void> {
  if ((await getUserByUsername(ctx.db, "wjs")) !== undefined) return;
  const { streets } = await findDemoUnits(ctx);
  await inTransaction(ctx.db, async (trx) => {
    const at = ctx.clock().toISOString();
    for (const [name, streetName] of COMMUNITIES) {
      const street = streets.find((s) => s.short_name === streetName || s.aliases.includes(streetName));
      await createUnit(trx, { name: `${streetName}${name}`, short_name: name, aliases: [name], kind: "other", parent_id: street?.id ?? null, created_at: at });
    }
  });
  await inTransaction(ctx.db, async (trx) => {
    const at = ctx.clock().toISOString();
    const units = await listUnits(trx);
    for (const [username, written, displayName] of SPLIT_DEMO_LIAISONS) {
      const unit = units.find((u) => u.short_name === written || u.aliases.includes(written));
      if (unit === undefined) continue;
      await createUser(trx, { username, display_name: displayName, password_hash: passwordHash, role: "liaison", unit_id: unit.id, must_change_password: false, created_at: at });
    }
  });

}

/**
 * The split demo: its people (seedSplitDemoPeople) and a plan whose one task 区民政局 split for
 * two streets, one of which split its part again for two communities.
 */
export async function seedSplitDemo(ctx: InnerContext, passwordHash: string): Promise<{ planId: string } | null> {
  if ((await getUserByUsername(ctx.db, "wjs")) !== undefined) return null;
  await seedSplitDemoPeople(ctx, passwordHash);
  const { mzj, streets } = await findDemoUnits(ctx);
  const as = async (username: string) => {
    const user = (await getUserByUsername(ctx.db, username)) as UserRow | undefined;
    if (user === undefined) throw new Error(`demo user ${username} missing`);
    return { ...ctx, request: detachedRequest(), session: { sessionId: "demo-seed", user } };
  };
  const start = todayOf(ctx);
  const plan = await createPlanFromDraft(
    await as("office"),
    {
      title: "关于做好老年人助餐服务的批示落实",
      sourceKind: "instruction",
      sourceRef: "区领导批示〔2026〕12号",
      phases: [],
      tasks: [
        {
          path: ["1"],
          text: "在各街道推广社区老年食堂，年内实现助餐服务点街道全覆盖，并对困难老人给予就餐补贴。",
          leadUnitId: mzj.id,
          coUnitIds: streets.map((s) => s.id),
          deadlineText: null,
          dueDate: addCalendarDays(start, 90),
          targets: [],
        },
      ],
    },
    "manual",
  );
  const taskOf = async (filter: (t: TaskListItem) => boolean) => {
    const { items } = await listTasks(ctx.db, { planId: plan.id, limit: 50 });
    const task = items.find(filter);
    if (task === undefined) throw new Error("demo split task missing");
    return task;
  };
  const move = async (username: string, task: { id: string }, event: TaskCommand) => {
    const current = await taskOf((t) => t.id === task.id);
    await transitionTask(await as(username), { taskId: task.id, expectedVersion: current.version, event });
  };
  const top = await taskOf((t) => t.parent_id === null);
  await move("mzj", top, { type: "SIGN" });
  await move("mzj", top, { type: "SUBMIT", text: "办理方案：由各街道分别建设助餐点，民政局统筹补贴标准。" });
  await move("office", top, { type: "APPROVE", comment: "同意" });
  await move("mzj", top, {
    type: "SPLIT",
    comment: "按街道分解",
    parts: streets.map((s, k) => ({
      text: `${s.short_name ?? s.name}：建成社区老年食堂不少于 ${2 - k} 个，公布就餐补贴办法。`,
      leadUnitId: s.id,
      dueDate: addCalendarDays(start, 60 - 20 * k),
    })),
  });
  const [wjsUnit] = streets;
  const wjsPart = await taskOf((t) => t.parent_id === top.id && t.lead_unit_id === wjsUnit?.id);
  await move("wjs", wjsPart, { type: "SIGN" });
  const communities = (await listUnits(ctx.db)).filter((u) => u.parent_id === wjsUnit?.id);
  await move("wjs", wjsPart, {
    type: "SPLIT",
    parts: communities.map((c) => ({ text: `${c.short_name ?? c.name}：选址并开办老年食堂。`, leadUnitId: c.id, dueDate: addCalendarDays(start, 45) })),
  });
  const jjlPart = await taskOf((t) => t.parent_id === top.id && t.lead_unit_id === streets[1]?.id);
  await move("jjl", jjlPart, { type: "SIGN" });
  await move("jjl", jjlPart, { type: "SUBMIT", text: "办理方案：利用党群服务中心开办助餐点。" });
  return { planId: plan.id };
}
