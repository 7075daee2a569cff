import type { DbOrTrx } from '../executor.js';
import { newId, nowIso } from '../ids.js';
import type { AttachmentRow, FileRow } from '../tables/index.js';

export interface NewFile {
  sha256: string;
  size: number;
  mime: string;
  original_name: string;
  created_by?: string | null;
  created_at?: string;
}

/** Records a stored file by its hash; a second upload of the same content keeps the first row. */
export async function saveFile(db: DbOrTrx, input: NewFile): Promise<FileRow> {
  await db
    .insertInto('files')
    .values({
      sha256: input.sha256,
      size: input.size,
      mime: input.mime,
      original_name: input.original_name,
      created_by: input.created_by ?? null,
      created_at: input.created_at ?? nowIso(),
    })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
  return db.selectFrom('files').selectAll().where('sha256', '=', input.sha256).executeTakeFirstOrThrow();
}

export function getFile(db: DbOrTrx, sha256: string): Promise<FileRow | undefined> {
  return db.selectFrom('files').selectAll().where('sha256', '=', sha256).executeTakeFirst();
}

export interface NewAttachment {
  id?: string;
  file_sha256: string;
  owner_type: string;
  owner_id: string;
  created_at?: string;
}

export function createAttachment(db: DbOrTrx, input: NewAttachment): Promise<AttachmentRow> {
  return db
    .insertInto('attachments')
    .values({
      id: input.id ?? newId(),
      file_sha256: input.file_sha256,
      owner_type: input.owner_type,
      owner_id: input.owner_id,
      created_at: input.created_at ?? nowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export type AttachmentWithFile = AttachmentRow & Omit<FileRow, 'sha256' | 'created_at' | 'created_by'>;

/** Attachments of one or more owners of a type, with their file metadata, oldest first. */
export async function listAttachments(
  db: DbOrTrx,
  ownerType: string,
  ownerIds: string | readonly string[],
): Promise<AttachmentWithFile[]> {
  const ids = typeof ownerIds === 'string' ? [ownerIds] : [...ownerIds];
  if (ids.length === 0) return [];
  return db
    .selectFrom('attachments')
    .innerJoin('files', 'files.sha256', 'attachments.file_sha256')
    .selectAll('attachments')
    .select(['files.size', 'files.mime', 'files.original_name'])
    .where('attachments.owner_type', '=', ownerType)
    .where('attachments.owner_id', 'in', ids)
    .orderBy('attachments.created_at')
    .orderBy('attachments.id')
    .execute();
}
