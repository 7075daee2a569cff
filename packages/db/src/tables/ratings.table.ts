import type { Insertable, Selectable } from 'kysely';

export type RatingValue = 'satisfied' | 'basically_satisfied' | 'unsatisfied';

export interface RatingsTable {
  task_id: string;
  round: number;
  evaluator_id: string;
  rating: RatingValue;
  comment: string | null;
  created_at: string;
  updated_at: string;
}

export type RatingRow = Selectable<RatingsTable>;
export type NewRatingRow = Insertable<RatingsTable>;
