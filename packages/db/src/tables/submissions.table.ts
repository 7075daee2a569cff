import type { Insertable, Selectable } from 'kysely';

export type SubmissionKind =
  | 'handling_plan' | 'completion' | 'contribution' | 'inspection' | 'rectification'
  | 'summary' | 'progress' | 'extension' | 'other';
export type ResolutionClass = 'A' | 'B' | 'C';

export interface SubmissionsTable {
  id: string;
  task_id: string;
  stage: string;
  round: number;
  kind: SubmissionKind;
  unit_id: string | null;
  user_id: string | null;
  text: string;
  resolution_class: ResolutionClass | null;
  created_at: string;
}

export type SubmissionRow = Selectable<SubmissionsTable>;
export type NewSubmissionRow = Insertable<SubmissionsTable>;
