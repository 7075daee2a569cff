import type { UnitRule } from "./units.js";

/** Lifecycle stage a plan phase corresponds to (see DOMAIN.md). */
export type StageId = "deploy" | "handle" | "inspect" | "summarize" | "evaluate";

/** How a measurable target compares the actual value with `value`. */
export type Comparator = "gte" | "lte" | "eq" | "gt" | "lt";

/** A measurable target written in a task, e.g. 达到90%以上 → { value: 90, unit: "%", comparator: "gte" }. */
export interface Target {
  /** The matched words with whitespace removed, e.g. "达到90%以上". */
  text: string;
  value: number;
  /** The measure word as written ("%", "户", "人次", "家" …). */
  unit: string;
  comparator: Comparator;
}

/** A dated duty inside a phase, e.g. "3月底前，各责任单位将工作方案报市民政局备案". */
export interface PhaseDuty {
  text: string;
  /** The deadline words as written, whitespace removed ("3月底前"). */
  deadline: string;
  /** YYYY-MM-DD, or null when no year is known. */
  dueDate: string | null;
}

export interface ParsedPhase {
  /** e.g. "动员部署阶段". */
  name: string;
  /** First month of the window, YYYY-MM, or null when not written. */
  start: string | null;
  /** Last month of the window, YYYY-MM, or null when not written. */
  end: string | null;
  stage: StageId | null;
  duties: PhaseDuty[];
  /** The phase description after its heading. */
  text: string;
}

export interface ParsedTask {
  /** Numbering path, top level first, as written without the trailing 、 or .: ["二", "（一）", "1"]. */
  path: string[];
  /** The heading the task text sits under (the last entry of `headings`), "" when none. */
  heading: string;
  /** All heading titles from the top-level section down to `heading`. */
  headings: string[];
  /** The task text without numbering marker and without the unit annotation. */
  text: string;
  /** Units that lead (牵头单位), as written. */
  leadUnits: string[];
  /** Co-units (责任/配合/协办单位), as written, without the lead units. */
  responsibleUnits: string[];
  /** Which layout family found the units (see units.ts), null when the task names none. */
  unitRule: UnitRule | null;
  /** Names among leadUnits/responsibleUnits that are unit groups (各街道办事处 …). */
  groups: string[];
  /** Registry ids of all matched units (groups expanded), in order; [] without a registry. */
  unitIds: string[];
  /** The deadline as written (whitespace removed) or null. */
  deadline: string | null;
  /** The deadline resolved to YYYY-MM-DD, or null. */
  dueDate: string | null;
  targets: Target[];
}

export type UnitMatchKind = "exact" | "alias" | "prefix";

/** What a unit name written in the plan was matched to. */
export interface UnitReference {
  /** The name as written in the plan. */
  name: string;
  kind: "unit" | "group";
  /** How it was matched, null when the registry does not know it (or there is no registry). */
  match: UnitMatchKind | null;
  unitId: string | null;
  groupId: string | null;
  /** The registry's name of the matched unit or group. */
  canonicalName: string | null;
  /** The unit itself, or the members of a matched group. */
  unitIds: string[];
}

export interface ParsedPlan {
  title: string | null;
  docNumber: string | null;
  issuer: string | null;
  /** YYYY-MM-DD. */
  date: string | null;
  phases: ParsedPhase[];
  tasks: ParsedTask[];
  /** Every distinct unit or group name mentioned by a task, in order of first mention. */
  units: UnitReference[];
  /** Names (as written) the registry could not match, in order of first mention. */
  unmatchedUnits: string[];
}

export interface RegistryUnit {
  id: string;
  name: string;
  aliases?: string[];
}

export interface RegistryGroup {
  id: string;
  name: string;
  aliases?: string[];
  unitIds: string[];
}

export interface UnitRegistry {
  units: RegistryUnit[];
  groups?: RegistryGroup[];
}

export interface ParseOptions {
  registry?: UnitRegistry;
  /** Year used for deadlines written without one ("3月底前"); defaults to the plan's year. */
  referenceYear?: number;
}
