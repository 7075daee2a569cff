// The dashboard and the statistics over many plans: each plan's counts (SQL, many plans per query)
// are folded into exact totals; the bounded lists of task ids are read in order on their own.
//
// Each plan's part is kept in memory per (plan, scope, day) and reused until that plan changes, so
// a dashboard over all plans recomputes only the plans written since the last call. A part depends
// only on its plan's task rows (with their fact columns, task-facts.ts), phases and links, and on
// the day. What "changed" means: every write through the API appends an audit record (ok outcome)
// naming its task, so the log's tail since the last look (audit_head.seq) names the tasks — hence
// the plans — to recompute; a record about a plan itself (object_type 'plan') drops that plan. A
// record about anything else (a login, a user, an import preview that writes nothing) drops
// nothing: reads never empty the cache. As a guard against writes that bypass the API (raw SQL,
// bulk loads, tests), each part also carries its plan's stage counts from the trigger-kept
// `task_plan_counts`: any insert, delete or stage change there drops it.
//
// Contract for every new write path: append an ok audit record that names its task (or, for a
// plan-level change, object_type 'plan' and the plan's id as object_id), in the write's transaction.
import type { DbOrTrx, Task } from "@duban/db";

/** Rows / task ids returned per figure; the exact count and `truncated` tell how many there are. */
export const ROW_LIMIT = 100;

/** Document order of a task (plan, ordinal, id) as a string that sorts the same way. */
export function docOrder(task: Pick<Task, "plan_id" | "ordinal" | "id">): string {
  return `${task.plan_id}\u0001${String(task.ordinal).padStart(9, "0")}\u0001${task.id}`;
}

// ---------------------------------------------------------------------------------------------
// Per-plan parts, cached

interface CacheState {
  /** the audit seq up to which the log has been read */
  seq: number;
  /**
   * The highest audit seq (head read by the refresh that did it) for which a plan's parts / all parts
   * were dropped: a part is kept only if it was read after a head at least as high.
   */
  droppedAt: Map<string, number>;
  clearedAt: number;
  today: string;
  /** planId → (part key → { signature, value }) */
  parts: Map<string, Map<string, { signature: string; value: unknown }>>;
  size: number;
}

/** Beyond this many cached parts (all kinds and scopes) the cache starts again. */
const MAX_PARTS = 20_000;
/** A tail longer than this is not read record by record: everything is recomputed. */
const MAX_TAIL = 200_000;

const caches = new WeakMap<object, CacheState>();

function clear(state: CacheState, seq: number): void {
  state.parts.clear();
  state.size = 0;
  state.clearedAt = Math.max(state.clearedAt, seq);
}

/** Drops one plan's parts: they were computed before the write at `seq`. */
function drop(state: CacheState, planId: string, seq: number): void {
  state.size -= state.parts.get(planId)?.size ?? 0;
  state.parts.delete(planId);
  state.droppedAt.set(planId, Math.max(state.droppedAt.get(planId) ?? -1, seq));
}

/**
 * Brings the cache of this database up to date and returns the audit head it read and every plan
 * that has tasks, in id order, with its stage-count signature.
 */
async function refresh(db: DbOrTrx, state: CacheState, today: string): Promise<{ seq: number; signatures: Map<string, string> }> {
  if (state.today !== today) {
    clear(state, state.seq);
    state.today = today;
  }
  const head = await db.selectFrom("audit_head").select("seq").where("id", "=", 1).executeTakeFirst();
  const seq = Number(head?.seq ?? 0);
  // seq < state.seq: a refresh that began later has read further already (a database restored to an
  // older copy needs a restart of the server anyway)
  const from = state.seq;
  if (seq > from) {
    if (from < 0 || seq - from > MAX_TAIL) clear(state, seq);
    else {
      // read even with nothing cached: a call still computing may have read a plan before these writes
      const tail = await db
        .selectFrom("audit_log")
        .select(["task_id", "object_type", "object_id", "outcome"])
        .where("seq", ">", from)
        .where("seq", "<=", seq)
        .execute();
      const taskIds = new Set<string>();
      for (const r of tail) {
        if (r.outcome !== "ok") continue;
        if (r.task_id !== null) taskIds.add(r.task_id);
        else if (r.object_type === "plan" && r.object_id !== null) drop(state, r.object_id, seq);
      }
      if (taskIds.size > 0) {
        const ids = [...taskIds];
        for (let i = 0; i < ids.length; i += 500) {
          const plans = await db.selectFrom("tasks").select("plan_id").distinct().where("id", "in", ids.slice(i, i + 500)).execute();
          for (const p of plans) drop(state, p.plan_id, seq);
        }
      }
    }
    state.seq = Math.max(state.seq, seq);
  }
  const counts = await db.selectFrom("task_plan_counts").select(["plan_id", "stage", "n"]).orderBy("plan_id").orderBy("stage").execute();
  const signatures = new Map<string, string>();
  for (const c of counts) {
    if (Number(c.n) === 0) continue;
    const prev = signatures.get(c.plan_id);
    signatures.set(c.plan_id, `${prev === undefined ? "" : `${prev},`}${c.stage}:${Number(c.n)}`);
  }
  return { seq, signatures };
}

/**
 * Folds `compute(planId)` over the plans (the given one, or every plan with tasks), reusing parts
 * cached under `key` while their plan is unchanged. Plans are visited one after the other.
 */
export async function foldPlans<P>(
  db: DbOrTrx,
  options: { planId?: string | undefined; key: string; today: string },
  compute: (planId: string) => Promise<P>,
  fold: (part: P) => void,
): Promise<void> {
  await foldPlanBatches(db, { ...options, batchSize: 1 }, async ([planId]) => new Map([[planId as string, await compute(planId as string)]]), fold);
}

/**
 * foldPlans for parts SQL computes for many plans in one query (`computeMany` returns a part for
 * every plan asked): the plans not cached are computed `batchSize` at a time.
 */
export async function foldPlanBatches<P>(
  db: DbOrTrx,
  options: { planId?: string | undefined; key: string; today: string; batchSize: number },
  computeMany: (planIds: readonly string[]) => Promise<Map<string, P>>,
  fold: (part: P) => void,
): Promise<void> {
  let state = caches.get(db);
  if (state === undefined) {
    state = { seq: -1, droppedAt: new Map(), clearedAt: -1, today: options.today, parts: new Map(), size: 0 };
    caches.set(db, state);
  }
  const { seq, signatures } = await refresh(db, state, options.today);
  const planIds = options.planId !== undefined ? [options.planId] : [...signatures.keys()];
  const missing: string[] = [];
  for (const planId of planIds) {
    const signature = signatures.get(planId) ?? "";
    if (signature === "") continue; // a plan without tasks adds nothing
    const cached = state.parts.get(planId)?.get(options.key);
    if (cached !== undefined && cached.signature === signature) fold(cached.value as P);
    else missing.push(planId);
  }
  for (let i = 0; i < missing.length; i += options.batchSize) {
    // better-sqlite3 answers synchronously, so the awaits above never let the event loop turn: yield
    // once per computed batch, so that other requests are served while many plans are computed
    await new Promise<void>((resolve) => setImmediate(resolve));
    const batch = missing.slice(i, i + options.batchSize);
    const values = await computeMany(batch);
    for (const planId of batch) {
      const value = values.get(planId) as P;
      fold(value);
      // Read after audit head `seq`: it includes every write up to there. Another call dropped this
      // plan (or everything) for a write beyond `seq`: the part may predate that write — not kept.
      if ((state.droppedAt.get(planId) ?? -1) > seq || state.clearedAt > seq || state.today !== options.today) continue;
      if (state.size >= MAX_PARTS) clear(state, seq);
      let byKey = state.parts.get(planId);
      if (byKey === undefined) {
        byKey = new Map();
        state.parts.set(planId, byKey);
      }
      if (!byKey.has(options.key)) state.size += 1;
      byKey.set(options.key, { signature: signatures.get(planId) ?? "", value });
    }
  }
}
