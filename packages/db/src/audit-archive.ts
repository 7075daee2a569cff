// Audit retention: signed, self-verifying archive files of the oldest part of the hash chain.
//
// An archive holds a contiguous run of records (seq firstSeq..lastSeq) exactly as stored, and a
// manifest — range, the hash the run links to (prevHash), the hash of its last record, the SHA-256
// of the records, time — signed with the checkpoint key (Ed25519). The same signed manifest is kept
// online, in the append-only register `audit_archives` (and in the `audit.archive` audit record), so
// the online chain always names every archive it continues from. `verifyAuditHistory` proves the
// whole history: register signatures and continuity (archive 1 starts at genesis, each starts where
// the previous ended), each file present, signed, the one the register names, its records hashing
// to the manifest and chaining from prevHash to lastHash; then the online chain from the last
// archive's end to the head. Any missing, altered, swapped or renamed file is named.
//
// Pure except the register reads; files and keys are the API's business (apps/api
// services/audit-archive.ts passes a reader and the trusted key).
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson, computeAuditHash, GENESIS_HASH, verifyAuditChain, type VerifyAuditResult } from './audit.js';
import { keyFingerprint } from './checkpoint.js';
import type { DbOrTrx } from './executor.js';
import type { AuditArchiveRow, AuditLogRow, HashAlg } from './tables/index.js';

export const ARCHIVE_VERSION = 1;
/** Domain separation from checkpoint signatures made with the same key. */
const SIGNING_CONTEXT = 'duban-audit-archive-v1\n';

export interface ArchiveManifest {
  version: typeof ARCHIVE_VERSION;
  archiveSeq: number;
  fileName: string;
  firstSeq: number;
  lastSeq: number;
  count: number;
  prevHash: string;
  lastHash: string;
  fromAt: string;
  toAt: string;
  recordsSha256: string;
  archivedAt: string;
  keyFingerprint: string;
}

export interface ArchiveFile {
  manifest: ArchiveManifest;
  /** base64 Ed25519 over SIGNING_CONTEXT + canonicalJson(manifest) */
  signature: string;
  records: AuditLogRow[];
}

const MANIFEST_KEYS = ['version', 'archiveSeq', 'fileName', 'firstSeq', 'lastSeq', 'count', 'prevHash', 'lastHash', 'fromAt', 'toAt', 'recordsSha256', 'archivedAt', 'keyFingerprint'] as const;

function manifestBytes(m: ArchiveManifest): Buffer {
  const picked: Record<string, unknown> = {};
  for (const k of MANIFEST_KEYS) picked[k] = m[k];
  return Buffer.from(SIGNING_CONTEXT + canonicalJson(picked), 'utf8');
}

/** A record as archived: every column as stored, seq as a number. */
function normalised(row: AuditLogRow): AuditLogRow {
  return { ...row, seq: Number(row.seq) };
}

/** hex SHA-256 of the canonical JSON of the records. */
export function recordsDigest(records: readonly AuditLogRow[]): string {
  return createHash('sha256').update(canonicalJson(records.map(normalised)), 'utf8').digest('hex');
}

/**
 * Builds and signs the archive of `records` (contiguous, in seq order, as read from the database).
 * Throws if they do not form an intact piece of the chain: nothing broken is ever archived.
 */
export function buildArchive(archiveSeq: number, fileName: string, rows: readonly AuditLogRow[], privateKey: KeyObject, archivedAt: string): ArchiveFile {
  const records = rows.map(normalised);
  const first = records[0];
  const last = records[records.length - 1];
  if (first === undefined || last === undefined) throw new Error('an archive needs at least one record');
  const broken = chainProblem(records, first.prev_hash);
  if (broken !== null) throw new Error(`refusing to archive a broken chain: seq ${broken.seq} (${broken.problem})`);
  const manifest: ArchiveManifest = {
    version: ARCHIVE_VERSION,
    archiveSeq,
    fileName,
    firstSeq: first.seq,
    lastSeq: last.seq,
    count: records.length,
    prevHash: first.prev_hash,
    lastHash: last.hash,
    fromAt: first.at,
    toAt: last.at,
    recordsSha256: recordsDigest(records),
    archivedAt,
    keyFingerprint: keyFingerprint(privateKey),
  };
  return { manifest, signature: sign(null, manifestBytes(manifest), privateKey).toString('base64'), records };
}

/** The first record that does not follow from `prevHash` (seq gap, link or own hash), or null. */
function chainProblem(records: readonly AuditLogRow[], prevHash: string): { seq: number; problem: 'seq_gap' | 'prev_hash_mismatch' | 'hash_mismatch' } | null {
  let prev = prevHash;
  let expected = records[0]?.seq ?? 0;
  for (const r of records) {
    if (r.seq !== expected) return { seq: expected, problem: 'seq_gap' };
    if (r.prev_hash !== prev) return { seq: r.seq, problem: 'prev_hash_mismatch' };
    let good = false;
    try {
      good = computeAuditHash(prev, r, r.hash_alg as HashAlg) === r.hash;
    } catch {
      good = false;
    }
    if (!good) return { seq: r.seq, problem: 'hash_mismatch' };
    prev = r.hash;
    expected += 1;
  }
  return null;
}

export function verifyManifestSignature(manifest: ArchiveManifest, signature: string, trustedKey: KeyObject): boolean {
  const pub = trustedKey.type === 'private' ? createPublicKey(trustedKey) : trustedKey;
  if (keyFingerprint(pub) !== manifest.keyFingerprint) return false;
  try {
    return verify(null, manifestBytes(manifest), pub, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The register row of a signed archive, and back. */
export function registerRow(file: Pick<ArchiveFile, 'manifest' | 'signature'>): AuditArchiveRow {
  const m = file.manifest;
  return {
    archive_seq: m.archiveSeq,
    file_name: m.fileName,
    first_seq: m.firstSeq,
    last_seq: m.lastSeq,
    record_count: m.count,
    prev_hash: m.prevHash,
    last_hash: m.lastHash,
    from_at: m.fromAt,
    to_at: m.toAt,
    records_sha256: m.recordsSha256,
    archived_at: m.archivedAt,
    key_fingerprint: m.keyFingerprint,
    signature: file.signature,
  };
}

export function manifestOf(row: AuditArchiveRow): ArchiveManifest {
  return {
    version: ARCHIVE_VERSION,
    archiveSeq: Number(row.archive_seq),
    fileName: row.file_name,
    firstSeq: Number(row.first_seq),
    lastSeq: Number(row.last_seq),
    count: Number(row.record_count),
    prevHash: row.prev_hash,
    lastHash: row.last_hash,
    fromAt: row.from_at,
    toAt: row.to_at,
    recordsSha256: row.records_sha256,
    archivedAt: row.archived_at,
    keyFingerprint: row.key_fingerprint,
  };
}

/** The register, in chain order. */
export async function listArchiveRegister(db: DbOrTrx): Promise<AuditArchiveRow[]> {
  const rows = await db.selectFrom('audit_archives').selectAll().orderBy('archive_seq').execute();
  return rows.map((r) => ({ ...r, archive_seq: Number(r.archive_seq), first_seq: Number(r.first_seq), last_seq: Number(r.last_seq), record_count: Number(r.record_count) }));
}

/** Where the online chain begins according to the register (seq 1 from genesis when nothing is archived). */
export async function onlineChainStart(db: DbOrTrx): Promise<{ seq: number; prevHash: string }> {
  const last = await db.selectFrom('audit_archives').select(['last_seq', 'last_hash']).orderBy('archive_seq', 'desc').limit(1).executeTakeFirst();
  return last === undefined ? { seq: 1, prevHash: GENESIS_HASH } : { seq: Number(last.last_seq) + 1, prevHash: last.last_hash };
}

export type ArchiveFileCheck = { ok: true; file: ArchiveFile } | { ok: false; problem: 'malformed' | 'bad_signature' | 'altered'; seq: number | null; message: string };

/** Checks one archive file on its own: shape, signature by the trusted key, records digest, chain. */
export function checkArchiveFile(text: string, trustedKey: KeyObject): ArchiveFileCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'malformed', seq: null, message: 'not valid JSON' };
  }
  const v = value as Partial<ArchiveFile> | null;
  if (typeof v !== 'object' || v === null || typeof v.manifest !== 'object' || v.manifest === null || typeof v.signature !== 'string' || !Array.isArray(v.records)) {
    return { ok: false, problem: 'malformed', seq: null, message: 'not an audit archive (manifest, signature, records)' };
  }
  const file = v as ArchiveFile;
  if (!verifyManifestSignature(file.manifest, file.signature, trustedKey)) {
    return { ok: false, problem: 'bad_signature', seq: null, message: 'manifest signature invalid (altered, or signed by another key)' };
  }
  const m = file.manifest;
  const records = file.records.map(normalised);
  const broken = chainProblem(records, m.prevHash);
  if (broken !== null) return { ok: false, problem: 'altered', seq: broken.seq, message: `record seq ${broken.seq}: ${broken.problem}` };
  if (records.length !== m.count || records[0]?.seq !== m.firstSeq || records[records.length - 1]?.hash !== m.lastHash) {
    return { ok: false, problem: 'altered', seq: null, message: `records do not cover seq ${m.firstSeq}..${m.lastSeq} ending in the signed hash` };
  }
  if (recordsDigest(records) !== m.recordsSha256) return { ok: false, problem: 'altered', seq: null, message: 'records differ from the signed digest' };
  return { ok: true, file: { ...file, records } };
}

export type HistoryProblem =
  /** a register row was altered, or its signature is not by the trusted key */
  | 'register_altered'
  /** the register skips or overlaps records (archive k does not start where k-1 ended) */
  | 'register_gap'
  /** the file the register names is not there */
  | 'archive_missing'
  /** the file is there but is not that archive (another archive's file put in its place: swapped / reordered / renamed) */
  | 'archive_misplaced'
  /** the file is not the signed archive (records or manifest edited, or unreadable) */
  | 'archive_altered'
  /** the chain in the database is broken (see VerifyAuditResult) */
  | 'chain_broken';

export type HistoryVerdict =
  | { ok: true; count: number; headHash: string; archives: number; archivedCount: number; message: string }
  | { ok: false; problem: HistoryProblem; archive: string | null; seq: number | null; message: string; chain?: VerifyAuditResult };

/**
 * Proves the whole history from the archives and the database. `readArchive(fileName)` returns the
 * file's text or null when it does not exist.
 */
export async function verifyAuditHistory(
  db: DbOrTrx,
  readArchive: (fileName: string) => Promise<string | null>,
  trustedKey: KeyObject | null,
): Promise<HistoryVerdict> {
  const register = await listArchiveRegister(db);
  let expected = { seq: 1, prevHash: GENESIS_HASH };
  for (const row of register) {
    const manifest = manifestOf(row);
    const name = row.file_name;
    if (trustedKey === null) return { ok: false, problem: 'register_altered', archive: name, seq: null, message: 'archives exist but the signing key is missing: they cannot be verified' };
    if (!verifyManifestSignature(manifest, row.signature, trustedKey)) {
      return { ok: false, problem: 'register_altered', archive: name, seq: manifest.firstSeq, message: `archive register entry ${manifest.archiveSeq} (${name}) is not signed as recorded: the register was altered` };
    }
    if (manifest.firstSeq !== expected.seq || manifest.prevHash !== expected.prevHash) {
      return { ok: false, problem: 'register_gap', archive: name, seq: expected.seq, message: `archive ${manifest.archiveSeq} (${name}) starts at seq ${manifest.firstSeq}, expected ${expected.seq} linked to the previous archive` };
    }
    const text = await readArchive(name);
    if (text === null) return { ok: false, problem: 'archive_missing', archive: name, seq: manifest.firstSeq, message: `archive ${manifest.archiveSeq} is missing: ${name} (seq ${manifest.firstSeq}..${manifest.lastSeq})` };
    const check = checkArchiveFile(text, trustedKey);
    if (!check.ok) {
      return { ok: false, problem: 'archive_altered', archive: name, seq: check.seq, message: `archive ${manifest.archiveSeq} altered: ${name}: ${check.message}` };
    }
    const found = check.file.manifest;
    if (found.archiveSeq !== manifest.archiveSeq || found.fileName !== name || found.recordsSha256 !== manifest.recordsSha256 || found.firstSeq !== manifest.firstSeq) {
      return {
        ok: false,
        problem: 'archive_misplaced',
        archive: name,
        seq: manifest.firstSeq,
        message: `${name} holds archive ${found.archiveSeq} (${found.fileName}, seq ${found.firstSeq}..${found.lastSeq}), not archive ${manifest.archiveSeq} (seq ${manifest.firstSeq}..${manifest.lastSeq}): archive files swapped, reordered or renamed`,
      };
    }
    expected = { seq: manifest.lastSeq + 1, prevHash: manifest.lastHash };
  }
  const chain = await verifyAuditChain(db, { start: expected });
  if (!chain.ok) {
    const { seq, problem } = chain.brokenAt;
    return { ok: false, problem: 'chain_broken', archive: null, seq, chain, message: `audit chain broken at seq ${seq} (${problem})${seq === expected.seq && register.length > 0 ? ' — where the last archive ends' : ''}` };
  }
  const archivedCount = expected.seq - 1;
  return {
    ok: true,
    count: chain.count,
    headHash: chain.headHash,
    archives: register.length,
    archivedCount,
    message: `whole history OK: ${chain.count} records (${archivedCount} in ${register.length} archive(s), ${chain.count - archivedCount} online), head ${chain.headHash}`,
  };
}
