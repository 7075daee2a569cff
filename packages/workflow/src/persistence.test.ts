import { describe, expect, it } from "vitest";
import { availableActions, decide } from "./engine";
import { describeTask } from "./describe";
import { MACHINE_VERSION } from "./machine";
import { persistTask, restoreTask, SnapshotError, upgradePersistedTask } from "./persistence";
import { AT, cast, newTask, play, TO_INSPECT } from "./test-support";

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

  it("does not run entry actions again on restore", () => {
    const s = play(newTask(), [...TO_INSPECT, ["office", { type: "RECORD_INSPECTION", text: "x", items: [] }]]);
    // Entering inspect resets `inspected`; a restore must keep the recorded inspection.
    const restored = restoreTask(JSON.parse(JSON.stringify(persistTask(s))));
    expect(restored.context.rectification.inspected).toBe(true);
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
