export { parsePlan, parsePlanDocument, collectUnitNames, type PlanDocument } from "./parse.js";
export { tasksFromTable, findHeader, columnRole, type ColumnRole, type TableTask } from "./table.js";
export { readDocx, readDocxText, type WordDocument } from "./docx.js";
export { readXlsx, type Workbook } from "./xlsx.js";
export { readPlanFile, decodeText, planFileKind, PlanFileError, MAX_PLAN_FILE_BYTES, type PlanFileKind, type PlanFileProblem } from "./files.js";
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
export type { UnitRule } from "./units.js";
export { suggestUnits, localitiesOf, type UnitSuggestion, type SuggestionReason } from "./registry.js";
