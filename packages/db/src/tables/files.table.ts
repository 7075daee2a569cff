import type { Insertable, Selectable } from 'kysely';

export interface FilesTable {
  sha256: string;
  size: number;
  mime: string;
  original_name: string;
  created_by: string | null;
  created_at: string;
}

export interface AttachmentsTable {
  id: string;
  file_sha256: string;
  /** e.g. 'submission', 'progress_report', 'task' */
  owner_type: string;
  owner_id: string;
  created_at: string;
}

export type FileRow = Selectable<FilesTable>;
export type NewFileRow = Insertable<FilesTable>;
export type AttachmentRow = Selectable<AttachmentsTable>;
export type NewAttachmentRow = Insertable<AttachmentsTable>;
