// Snapshots as stored in the database: JSON with the machine version beside it, and the upgrade
// path that carries an old snapshot forward when the machine changes.
import { createActor, type SnapshotFrom } from "xstate";
import type { TaskContext } from "./context";
import { MACHINE_VERSION, taskMachine } from "./machine";

export type TaskSnapshot = SnapshotFrom<typeof taskMachine>;

/** What the server stores for a task: the XState persisted snapshot and the machine version. */
export interface PersistedTask {
  machineVersion: number;
  snapshot: unknown;
}

/** Step n turns a snapshot of machine version n into one of version n + 1. */
export type SnapshotUpgrade = (snapshot: Record<string, unknown>) => Record<string, unknown>;
export const SNAPSHOT_UPGRADES: Record<number, SnapshotUpgrade> = {
  // 2: 分解 — a task may be a part of another (supervised by its splitter) and may have parts.
  1: (snapshot) => ({
    ...snapshot,
    context: {
      ...(snapshot.context as Record<string, unknown>),
      supervisorUnitId: null,
      parentTaskId: null,
      parentDueDate: null,
      partCount: 0,
      waived: null,
    },
  }),
};

export class SnapshotError extends Error {
  override name = "SnapshotError";
}

export function persistTask(snapshot: TaskSnapshot): PersistedTask {
  return { machineVersion: MACHINE_VERSION, snapshot: taskMachine.getPersistedSnapshot(snapshot) };
}

export function upgradePersistedTask(
  persisted: PersistedTask,
  upgrades: Record<number, SnapshotUpgrade> = SNAPSHOT_UPGRADES,
  target: number = MACHINE_VERSION,
): PersistedTask {
  if (persisted.machineVersion > target) {
    throw new SnapshotError(`snapshot is from machine version ${persisted.machineVersion}, newer than ${target}`);
  }
  let snapshot = persisted.snapshot as Record<string, unknown>;
  for (let v = persisted.machineVersion; v < target; v++) {
    const step = upgrades[v];
    if (step === undefined) throw new SnapshotError(`no upgrade from machine version ${v} to ${v + 1}`);
    snapshot = step(structuredClone(snapshot));
  }
  return { machineVersion: target, snapshot };
}

/** Rehydrates a stored snapshot; an unknown state or a broken snapshot fails loudly. */
export function restoreTask(persisted: PersistedTask): TaskSnapshot {
  const upgraded = upgradePersistedTask(persisted);
  let snapshot: TaskSnapshot;
  try {
    const stored = upgraded.snapshot as TaskSnapshot;
    // `input` is required by the machine's type but ignored when a snapshot is given.
    snapshot = createActor(taskMachine, { snapshot: stored, input: stored.context }).getSnapshot();
  } catch (cause) {
    throw new SnapshotError(`cannot restore task snapshot: ${(cause as Error).message}`, { cause });
  }
  if (snapshot.status === "error") throw new SnapshotError("task snapshot restored in error status");
  return snapshot;
}

/**
 * A stored task's context (units, round, parts…) without rehydrating an actor: what a list needs
 * of a row. Restoring builds an XState actor (~28 µs a row); this is the upgraded JSON's context,
 * checked for the fields every version has.
 */
export function storedContext(persisted: PersistedTask): TaskContext {
  const upgraded = upgradePersistedTask(persisted);
  const context = (upgraded.snapshot as { context?: TaskContext } | null)?.context;
  if (context === undefined || typeof context.leadUnitId !== "string" || !Array.isArray(context.coUnitIds)) {
    throw new SnapshotError("task snapshot has no context");
  }
  return context;
}
