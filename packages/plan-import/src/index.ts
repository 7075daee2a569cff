export { parsePlan, collectUnitNames } from "./parse.js";
export { readDocxText } from "./docx.js";
export { findDeadline, parseDeadlineCell, type Deadline } from "./deadline.js";
export { extractTargets } from "./targets.js";
export { stageOf } from "./phases.js";
export type {
  Comparator,
  ParseOptions,
  ParsedPhase,
  ParsedPlan,
  ParsedTask,
  PhaseDuty,
  RegistryGroup,
  RegistryUnit,
  StageId,
  Target,
  UnitMatchKind,
  UnitReference,
  UnitRegistry,
} from "./types.js";
