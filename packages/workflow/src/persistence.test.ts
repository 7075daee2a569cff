import { describe, expect, it } from "vitest";
import { availableActions, decide } from "./engine";
import { describeTask } from "./describe";
import { MACHINE_VERSION } from "./machine";
import { persistTask, restoreTask, SnapshotError, storedContext, upgradePersistedTask } from "./persistence";
import { AT, cast, newTask, play, TO_HANDLE, TO_INSPECT } from "./test-support";

describe("persisted snapshots", () => {
  it("survive JSON and answer the same questions after restore", () => {
    const s = play(newTask(), [
      ...TO_INSPECT,
      ["office", { type: "RECORD_INSPECTION", text: "x", items: ["台账不全"] }],
      ["lead", { type: "REQUEST_EXTENSION", requestedDueDate: "2026-09-30", reason: "r" }],
    ]);
    const stored = JSON.parse(JSON.stringify(persistTask(s)));
    expect(stored.machineVersion).toBe(MACHINE_VERSION);
    const restored = restoreTask(stored);
    expect(describeTask(restored)).toEqual(describeTask(s));
    expect(restored.context).toEqual(s.context);
    for (const who of ["lead", "office", "co1", "outsider"] as const) {
      expect(availableActions(restored, cast[who])).toEqual(availableActions(s, cast[who]));
    }
    const next = decide(restored, { type: "RECTIFY", itemId: "R1-1", text: "done", actor: cast.lead, at: AT });
    expect(next.ok).toBe(true);
  });

  it("restores a snapshot stored by machine version 1 (before 分解): no supervisor, parent or parts, and it moves on", () => {
    const s = play(newTask(), [...TO_HANDLE, ["lead", { type: "REPORT_PROGRESS", text: "进展", percent: 40 }]]);
    const current = JSON.parse(JSON.stringify(persistTask(s))) as { machineVersion: number; snapshot: { context: Record<string, unknown> } };
    // What version 1 stored: the same snapshot without the five fields that 分解 added.
    const { supervisorUnitId, parentTaskId, parentDueDate, partCount, waived, ...v1Context } = current.snapshot.context;
    expect([supervisorUnitId, parentTaskId, parentDueDate, partCount, waived]).toEqual([null, null, null, 0, null]);
    const v1 = { machineVersion: 1, snapshot: { ...current.snapshot, context: v1Context } };

    const restored = restoreTask(v1);
    expect(restored.context).toMatchObject({ supervisorUnitId: null, parentTaskId: null, parentDueDate: null, partCount: 0, waived: null });
    expect(restored.context).toMatchObject({ lastProgressAt: AT, leadUnitId: "unit-lead", round: 1 });
    expect(describeTask(restored)).toMatchObject({ stage: "handle" });
    // The office supervises it as a task it assigned; the lead unit goes on reporting.
    const next = decide(restored, { type: "REPORT_PROGRESS", text: "再报", percent: 60, actor: cast.lead, at: AT });
    expect(next.ok).toBe(true);
    expect(decide(restored, { type: "URGE", text: "请加快", actor: cast.office, at: AT }).ok).toBe(true);
    expect(decide(restored, { type: "URGE", text: "请加快", actor: cast.outsider, at: AT }).ok).toBe(false);
    // the stored version-1 snapshot itself is left as it was
    expect(v1.snapshot.context).not.toHaveProperty("partCount");
  });

  it("reads a stored context without an actor, the same as a restore does, from every machine version", () => {
    const s = play(newTask(), [...TO_HANDLE, ["lead", { type: "REPORT_PROGRESS", text: "进展", percent: 40 }]]);
    const current = JSON.parse(JSON.stringify(persistTask(s))) as { machineVersion: number; snapshot: { context: Record<string, unknown> } };
    expect(storedContext(current)).toEqual(restoreTask(current).context);
    const { supervisorUnitId, parentTaskId, parentDueDate, partCount, waived, ...v1Context } = current.snapshot.context;
    const v1 = { machineVersion: 1, snapshot: { ...current.snapshot, context: v1Context } };
    expect(storedContext(v1)).toEqual(restoreTask(v1).context);
    expect(storedContext(v1).partCount).toBe(0);
    expect(() => storedContext({ machineVersion: MACHINE_VERSION, snapshot: { value: "x" } })).toThrow(SnapshotError);
    expect(() => storedContext({ machineVersion: MACHINE_VERSION + 1, snapshot: current.snapshot })).toThrow(/newer/);
  });

  it("fails loudly on a state that does not exist", () => {
    const stored = persistTask(newTask()) as { machineVersion: number; snapshot: Record<string, unknown> };
    const broken = { ...stored, snapshot: { ...stored.snapshot, value: { open: { stage: "vanished", extension: "idle" } } } };
    expect(() => restoreTask(broken)).toThrow(SnapshotError);
  });

  it("refuses a snapshot from a newer machine and upgrades older ones step by step", () => {
    const stored = persistTask(newTask());
    expect(() => restoreTask({ ...stored, machineVersion: MACHINE_VERSION + 1 })).toThrow(/newer/);
    expect(() => upgradePersistedTask({ ...stored, machineVersion: 0 }, {})).toThrow(/no upgrade from machine version 0/);
    const upgraded = upgradePersistedTask(
      { machineVersion: 0, snapshot: { legacy: true } },
      { 0: (s) => ({ ...s, step0: true }), 1: (s) => ({ ...s, step1: true }) },
      2,
    );
    expect(upgraded).toEqual({ machineVersion: 2, snapshot: { legacy: true, step0: true, step1: true } });
  });
});
