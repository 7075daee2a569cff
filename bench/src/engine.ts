// Our side of the bpmn-engine comparison on the peer's terms: the same approval cycle (submit →
// approve → submit → return) decided by @duban/workflow (the XState lifecycle the server uses),
// each step restored from the stored snapshot JSON, decided, and the new persisted snapshot written
// into the same kind of SQLite file (WAL, synchronous=FULL) — once with one transaction per step
// (the peer's discipline), once with the steps of one event-loop turn sharing a transaction (the
// server's group commit). No HTTP, sessions or audit record: those are in the transitions section.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { decide, persistTask, restoreTask, startTask, type Actor, type TaskEvent } from "@duban/workflow";
import { nextMove, record, tempDir, openDurableSqlite } from "./common";

const LIAISON: Actor = { userId: "u-liaison", role: "liaison", unitId: "unit-a" };
const OFFICE: Actor = { userId: "u-office", role: "office", unitId: null };

interface Instance {
  id: string;
  snapshot: string;
  stage: string;
  status: string;
}

/** One step of the cycle for an instance: restore, decide, persist (in memory); returns the new row. */
function step(inst: Instance): Instance {
  const before = restoreTask({ machineVersion: 1, snapshot: JSON.parse(inst.snapshot) });
  const { who, event } = nextMove(inst.stage, inst.status);
  const decision = decide(before, { ...event, actor: who === "liaison" ? LIAISON : OFFICE, at: new Date().toISOString() } as TaskEvent);
  if (!decision.ok) throw new Error(`${inst.id}: ${decision.refusal.code} at ${inst.stage}/${inst.status}`);
  return { id: inst.id, snapshot: JSON.stringify(decision.persisted.snapshot), stage: decision.after.stage, status: decision.after.status };
}

export async function engineBench(opts: { concurrency: number; durationMs: number; grouped: boolean }): Promise<number> {
  const dir = tempDir("engine");
  const db = openDurableSqlite(join(dir, "app.db"));
  try {
    db.exec("create table task_state (id text primary key, snapshot text not null, stage text not null, status text not null, version integer not null)");
    const insert = db.prepare("insert into task_state (id, snapshot, stage, status, version) values (?, ?, ?, ?, 1)");
    const update = db.prepare("update task_state set snapshot = ?, stage = ?, status = ?, version = version + 1 where id = ?");
    const save = db.transaction((rows: Instance[]) => {
      for (const r of rows) update.run(r.snapshot, r.stage, r.status, r.id);
    });

    let instances: Instance[] = Array.from({ length: opts.concurrency }, (_, i) => {
      const signed = decide(startTask({ leadUnitId: "unit-a", coUnitIds: [], dueDate: "2027-06-30" }), { type: "SIGN", actor: LIAISON, at: new Date().toISOString() } as TaskEvent);
      if (!signed.ok) throw new Error("cannot sign");
      const inst = { id: `task-${i}`, snapshot: JSON.stringify(persistTask(signed.snapshot).snapshot), stage: signed.after.stage, status: signed.after.status };
      insert.run(inst.id, inst.snapshot, inst.stage, inst.status);
      return inst;
    });

    let steps = 0;
    const started = performance.now();
    const until = started + opts.durationMs;
    while (performance.now() < until) {
      if (opts.grouped) {
        // every instance moves once; the moves share one durable commit
        instances = instances.map(step);
        save(instances);
        steps += instances.length;
      } else {
        instances = instances.map((inst) => {
          const next = step(inst);
          save([next]);
          steps++;
          return next;
        });
      }
      await new Promise((r) => setImmediate(r));
    }
    const rate = steps / ((performance.now() - started) / 1000);
    const how = opts.grouped ? `group commit of ${opts.concurrency}` : "one commit per step";
    record({ section: "bpmn-engine", metric: `@duban/workflow: transitions/s (snapshot saved per step, ${how})`, value: rate, unit: "/s", note: `${steps} steps` });
    return rate;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
