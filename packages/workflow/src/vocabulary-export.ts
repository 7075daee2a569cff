// `@duban/workflow/vocabulary`: what a browser may import — vocabulary, labels, refusal wording and
// types. Nothing here reaches XState or zod (type-only exports are erased), so the machine never
// ships to the web app; `tests/browser/bundle.test.ts` checks the built bundle.
export * from "./vocabulary";
export * from "./labels";
export * from "./refusals";
export * from "./describe";
export type { TaskContext, Contribution, RectificationItem } from "./context";
export type { TaskCommand, TaskEventType } from "./events";
export type { AvailableAction } from "./engine";
export type { TaskFacts } from "./rules";
