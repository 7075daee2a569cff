// @duban/workflow — the task lifecycle. Pure: no I/O, no other workspace package.
export * from "./vocabulary";
export * from "./clock";
export * from "./events";
export * from "./context";
export * from "./permissions";
export * from "./rules";
export * from "./refusals";
export * from "./labels";
export * from "./describe";
export { taskMachine, MACHINE_VERSION, type TaskMachine } from "./machine";
export {
  persistTask,
  restoreTask,
  storedContext,
  upgradePersistedTask,
  SNAPSHOT_UPGRADES,
  SnapshotError,
  type PersistedTask,
  type SnapshotUpgrade,
  type TaskSnapshot,
} from "./persistence";
export { startTask, decide, availableActions, stateAccepts, parseCommand, type Decision, type AvailableAction } from "./engine";
