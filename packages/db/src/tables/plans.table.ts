import type { Insertable, Selectable, Updateable } from 'kysely';

export interface PlansTable {
  id: string;
  title: string;
  doc_number: string | null;
  issuer: string | null;
  /** 'YYYY-MM-DD' */
  issued_on: string | null;
  source_text: string;
  created_by: string | null;
  created_at: string;
}

export type PlanRow = Selectable<PlansTable>;
export type NewPlanRow = Insertable<PlansTable>;
export type PlanUpdate = Updateable<PlansTable>;
