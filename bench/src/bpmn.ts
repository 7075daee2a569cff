// The peer: the same approval cycle (submit → approve → submit → return) run by bpmn-engine, an
// npm BPMN engine, with engine.getState() saved as JSON after every step into the same kind of
// SQLite file (WAL, synchronous=FULL, one UPDATE per transaction). Engines stay in memory (the
// peer's best case: no recover() per step), `concurrency` process instances interleaved.
import { EventEmitter } from "node:events";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "bpmn-engine";
import { record, tempDir, openDurableSqlite } from "./common";

const SOURCE = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="duban" targetNamespace="http://duban.local/bench">
  <process id="task" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f0" sourceRef="start" targetRef="deploySubmit" />
    <userTask id="deploySubmit" name="报送办理方案" />
    <sequenceFlow id="f1" sourceRef="deploySubmit" targetRef="deployReview" />
    <userTask id="deployReview" name="审核办理方案" />
    <sequenceFlow id="f2" sourceRef="deployReview" targetRef="deployGw" />
    <exclusiveGateway id="deployGw" default="f3" />
    <sequenceFlow id="f3" sourceRef="deployGw" targetRef="handleSubmit" />
    <sequenceFlow id="f4" sourceRef="deployGw" targetRef="deploySubmit">
      <conditionExpression xsi:type="tFormalExpression">\${environment.output.decision === 'return'}</conditionExpression>
    </sequenceFlow>
    <userTask id="handleSubmit" name="报送办结报告" />
    <sequenceFlow id="f5" sourceRef="handleSubmit" targetRef="handleReview" />
    <userTask id="handleReview" name="审核办结报告" />
    <sequenceFlow id="f6" sourceRef="handleReview" targetRef="handleGw" />
    <exclusiveGateway id="handleGw" default="f7" />
    <sequenceFlow id="f7" sourceRef="handleGw" targetRef="deploySubmit" />
    <sequenceFlow id="f8" sourceRef="handleGw" targetRef="finish">
      <conditionExpression xsi:type="tFormalExpression">\${environment.output.decision === 'approve'}</conditionExpression>
    </sequenceFlow>
    <endEvent id="finish" />
  </process>
</definitions>`;

interface Waiting {
  id: string;
  signal(message?: unknown): void;
}

export async function bpmnBench(opts: { concurrency: number; durationMs: number }): Promise<number> {
  const dir = tempDir("bpmn");
  const db = openDurableSqlite(join(dir, "app.db"));
  try {
    db.exec("create table bpmn_state (id text primary key, state text not null, version integer not null)");
    const insert = db.prepare("insert into bpmn_state (id, state, version) values (?, ?, 1)");
    const update = db.prepare("update bpmn_state set state = ?, version = version + 1 where id = ?");
    const save = db.transaction((id: string, state: string) => update.run(state, id));

    const instances = await Promise.all(
      Array.from({ length: opts.concurrency }, async (_, i) => {
        const id = `task-${i}`;
        const listener = new EventEmitter();
        const box: { waiting: Waiting | null } = { waiting: null };
        listener.on("wait", (api: Waiting) => {
          box.waiting = api;
        });
        const engine = new Engine({ name: id, source: SOURCE });
        await engine.execute({ listener });
        insert.run(id, JSON.stringify(await engine.getState()));
        return { id, engine, box };
      }),
    );

    let steps = 0;
    let stateBytes = 0;
    const started = performance.now();
    const until = started + opts.durationMs;
    await Promise.all(
      instances.map(async (inst) => {
        while (performance.now() < until) {
          const w = inst.box.waiting;
          if (w === null) throw new Error(`${inst.id}: engine is not waiting`);
          inst.box.waiting = null;
          w.signal({ decision: w.id === "handleReview" ? "return" : "approve" });
          while (inst.box.waiting === null) await new Promise((r) => setImmediate(r));
          const state = JSON.stringify(await inst.engine.getState());
          stateBytes = state.length;
          save(inst.id, state);
          steps++;
        }
      }),
    );
    const rate = steps / ((performance.now() - started) / 1000);
    record({ section: "bpmn-engine", metric: `transitions/s (getState() saved per step), ${opts.concurrency} instances`, value: rate, unit: "/s", note: `${steps} steps, state ${Math.round(stateBytes / 1024)} KiB` });
    for (const inst of instances) inst.engine.stop();
    return rate;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
