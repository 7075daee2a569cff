import type { Insertable, Selectable, Updateable } from 'kysely';

export interface PhasesTable {
  id: string;
  plan_id: string;
  ordinal: number;
  name: string;
  /** 'YYYY-MM' */
  start_month: string | null;
  /** 'YYYY-MM' */
  end_month: string | null;
  stage: string | null;
  /** JSON text: string[] */
  duties: string;
}

export type PhaseRow = Selectable<PhasesTable>;
export type NewPhaseRow = Insertable<PhasesTable>;
export type PhaseUpdate = Updateable<PhasesTable>;
