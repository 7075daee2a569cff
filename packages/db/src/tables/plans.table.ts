import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** 立项 source: a plan document, or by hand from 领导批示 / 会议议定事项 / 建议提案 (PLAN_SOURCE_KINDS in repositories/plans.ts). */
export type PlanSourceKind = 'document' | 'instruction' | 'meeting' | 'proposal';

export interface PlansTable {
  id: string;
  title: string;
  doc_number: string | null;
  issuer: string | null;
  /** 'YYYY-MM-DD' */
  issued_on: string | null;
  source_text: string;
  /** 立项 source: a plan document, or by hand from 领导批示 / 会议议定事项 / 建议提案 */
  source_kind: Generated<PlanSourceKind>;
  /** the source's reference as written (批示件号, 会议名称, 提案号) */
  source_ref: string | null;
  created_by: string | null;
  created_at: string;
}

export type PlanRow = Selectable<PlansTable>;
export type NewPlanRow = Insertable<PlansTable>;
export type PlanUpdate = Updateable<PlansTable>;
