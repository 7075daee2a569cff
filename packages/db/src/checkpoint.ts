// Signed checkpoints of the audit log, kept OUTSIDE the database.
//
// A hash chain stored in the database it protects cannot notice a cut-off tail or the whole
// database swapped for an older copy: the shorter chain is still a valid chain. A checkpoint is an
// Ed25519 signature over (record count, hash of the record at seq = count, hash algorithm, time,
// key fingerprint), written to a file elsewhere. Later, `verifyLogAgainstCheckpoint` proves the
// current log EXTENDS the checkpointed one:
//   1. the signature is valid and made by the trusted key;
//   2. the chain verifies from genesis up to the current head (else: the first bad seq);
//   3. the log has at least `count` records (else: "log shorter than checkpoint: N < M");
//   4. the record at seq = count has hash = headHash (else: the log was rewritten — diverged).
// Because every hash covers prev_hash, (4) fixes the whole prefix 1..count.
//
// Signing and key handling use Node's crypto only; files and key paths are the API's business
// (apps/api/src/services/checkpoints.ts). Everything here is pure except the reads in step 2–4.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson, GENESIS_HASH, verifyAuditChain } from './audit.js';
import type { DbOrTrx } from './executor.js';
import type { HashAlg } from './tables/index.js';

export const CHECKPOINT_VERSION = 1;
/** Domain separation: a checkpoint signature can never be mistaken for a signature over anything else. */
const SIGNING_CONTEXT = 'duban-audit-checkpoint-v1\n';

export interface CheckpointBody {
  version: typeof CHECKPOINT_VERSION;
  /** number of records covered: seq 1..count */
  count: number;
  /** hash of the record at seq = count (GENESIS_HASH when count = 0) */
  headHash: string;
  /** the hash algorithm of that record */
  hashAlg: HashAlg;
  /** ISO time of signing */
  at: string;
  /** 'sha256:' + hex SHA-256 of the signer's public key (SPKI DER) */
  keyFingerprint: string;
}

export interface AuditCheckpoint extends CheckpointBody {
  /** base64 Ed25519 signature over SIGNING_CONTEXT + canonicalJson(body) */
  signature: string;
}

/** 'sha256:<hex>' of the public key (SPKI DER); accepts a private or public key. */
export function keyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return `sha256:${createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

/** The exact bytes that are signed. */
export function checkpointSigningPayload(body: CheckpointBody): Buffer {
  const { version, count, headHash, hashAlg, at, keyFingerprint: fp } = body;
  return Buffer.from(SIGNING_CONTEXT + canonicalJson({ version, count, headHash, hashAlg, at, keyFingerprint: fp }), 'utf8');
}

export function signCheckpoint(
  head: { count: number; headHash: string; hashAlg: HashAlg },
  privateKey: KeyObject,
  at: string,
): AuditCheckpoint {
  if (privateKey.asymmetricKeyType !== 'ed25519' || privateKey.type !== 'private') throw new Error('checkpoint key must be an Ed25519 private key');
  const body: CheckpointBody = { version: CHECKPOINT_VERSION, count: head.count, headHash: head.headHash, hashAlg: head.hashAlg, at, keyFingerprint: keyFingerprint(privateKey) };
  return { ...body, signature: sign(null, checkpointSigningPayload(body), privateKey).toString('base64') };
}

/** Reads the current head (count, head hash and its algorithm) and signs it. */
export async function createAuditCheckpoint(db: DbOrTrx, privateKey: KeyObject, at: string): Promise<AuditCheckpoint> {
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  const count = head === undefined ? 0 : Number(head.seq);
  const row = count === 0 ? undefined : await db.selectFrom('audit_log').select('hash_alg').where('seq', '=', count).executeTakeFirst();
  return signCheckpoint({ count, headHash: head?.hash ?? GENESIS_HASH, hashAlg: row?.hash_alg ?? 'sha256' }, privateKey, at);
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Parses untrusted JSON (text or object) into a checkpoint, or explains what is wrong with it. */
export function parseCheckpoint(input: unknown): { ok: true; checkpoint: AuditCheckpoint } | { ok: false; message: string } {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch {
      return { ok: false, message: 'checkpoint is not valid JSON' };
    }
  }
  if (typeof value !== 'object' || value === null) return { ok: false, message: 'checkpoint must be a JSON object' };
  const v = value as Record<string, unknown>;
  if (v.version !== CHECKPOINT_VERSION) return { ok: false, message: `unsupported checkpoint version ${String(v.version)}` };
  if (typeof v.count !== 'number' || !Number.isSafeInteger(v.count) || v.count < 0) return { ok: false, message: 'count must be a non-negative integer' };
  if (typeof v.headHash !== 'string' || !HEX64.test(v.headHash)) return { ok: false, message: 'headHash must be 64 hex digits' };
  if (v.hashAlg !== 'sha256' && v.hashAlg !== 'sm3') return { ok: false, message: 'hashAlg must be sha256 or sm3' };
  if (typeof v.at !== 'string' || Number.isNaN(Date.parse(v.at))) return { ok: false, message: 'at must be an ISO time' };
  if (typeof v.keyFingerprint !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(v.keyFingerprint)) return { ok: false, message: 'keyFingerprint must be sha256:<64 hex>' };
  if (typeof v.signature !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(v.signature)) return { ok: false, message: 'signature must be base64' };
  return {
    ok: true,
    checkpoint: { version: CHECKPOINT_VERSION, count: v.count, headHash: v.headHash, hashAlg: v.hashAlg, at: v.at, keyFingerprint: v.keyFingerprint, signature: v.signature },
  };
}

export type CheckpointSignatureCheck = { ok: true } | { ok: false; problem: 'unknown_key' | 'bad_signature' };

/** True signature by the trusted key (private or public) over exactly this body. */
export function verifyCheckpointSignature(checkpoint: AuditCheckpoint, trustedKey: KeyObject): CheckpointSignatureCheck {
  const pub = trustedKey.type === 'private' ? createPublicKey(trustedKey) : trustedKey;
  if (keyFingerprint(pub) !== checkpoint.keyFingerprint) return { ok: false, problem: 'unknown_key' };
  let good = false;
  try {
    good = verify(null, checkpointSigningPayload(checkpoint), pub, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    good = false;
  }
  return good ? { ok: true } : { ok: false, problem: 'bad_signature' };
}

export type CheckpointProblem =
  /** the checkpoint file is not a well-formed checkpoint */
  | 'malformed'
  /** signed by another key than the trusted one */
  | 'unknown_key'
  /** the signature does not verify: the checkpoint was edited or forged */
  | 'bad_signature'
  /** the chain itself is broken at `seq` (edited, deleted or reordered records) */
  | 'chain_broken'
  /** fewer records than the checkpoint covers: tail cut off, or an older database put in place */
  | 'log_shorter'
  /** the chain is intact but the record at seq = count is not the one signed: the log was rewritten */
  | 'diverged';

export type CheckpointVerdict =
  | { ok: true; checkpointCount: number; logCount: number; message: string }
  | {
      ok: false;
      problem: CheckpointProblem;
      /** the first bad seq when it can be located (chain_broken, diverged: at or before it); else null */
      seq: number | null;
      checkpointCount: number | null;
      /** records found intact, from seq 1 */
      logCount: number | null;
      message: string;
    };

/**
 * Does the log in `db` extend the checkpointed one? See the header comment for the four checks.
 * A broken chain is reported first (with its first bad seq) unless the only break is a missing
 * tail, which is reported as log_shorter when it ends before the checkpoint.
 */
export interface CheckpointVerifyOptions {
  /**
   * After archiving (audit-archive.ts): the hash of an archived record, read from its verified
   * archive file — needed when the checkpoint's last record is no longer online. The online chain
   * itself is checked from where the archive register says it begins.
   */
  archivedHashAt?: (seq: number) => Promise<string | undefined>;
}

export async function verifyLogAgainstCheckpoint(db: DbOrTrx, input: unknown, trustedKey: KeyObject, options: CheckpointVerifyOptions = {}): Promise<CheckpointVerdict> {
  const parsed = parseCheckpoint(input);
  if (!parsed.ok) return { ok: false, problem: 'malformed', seq: null, checkpointCount: null, logCount: null, message: `malformed checkpoint: ${parsed.message}` };
  const cp = parsed.checkpoint;
  const sig = verifyCheckpointSignature(cp, trustedKey);
  if (!sig.ok) {
    const message =
      sig.problem === 'unknown_key'
        ? `checkpoint signed by an unknown key (${cp.keyFingerprint}), not the trusted one (${keyFingerprint(trustedKey)})`
        : 'checkpoint signature is invalid: the checkpoint was altered or forged';
    return { ok: false, problem: sig.problem, seq: null, checkpointCount: cp.count, logCount: null, message };
  }

  const lastArchive = await db.selectFrom('audit_archives').select(['last_seq', 'last_hash']).orderBy('archive_seq', 'desc').limit(1).executeTakeFirst();
  const start = lastArchive === undefined ? { seq: 1, prevHash: GENESIS_HASH } : { seq: Number(lastArchive.last_seq) + 1, prevHash: lastArchive.last_hash };
  const chain = await verifyAuditChain(db, { start });
  if (!chain.ok) {
    const { seq, id, problem } = chain.brokenAt;
    const tailMissing = problem === 'head_mismatch' && id === null;
    if (tailMissing && chain.count < cp.count) return shorter(chain.count, cp.count);
    return {
      ok: false,
      problem: 'chain_broken',
      seq,
      checkpointCount: cp.count,
      logCount: chain.count,
      message: `audit chain broken at seq ${seq} (${problem}); ${chain.count} records intact before it`,
    };
  }
  if (chain.count < cp.count) return shorter(chain.count, cp.count);
  const atCount =
    cp.count === 0
      ? GENESIS_HASH
      : cp.count < start.seq
        ? await archivedHash(db, cp.count, options)
        : (await db.selectFrom('audit_log').select('hash').where('seq', '=', cp.count).executeTakeFirst())?.hash;
  if (atCount !== cp.headHash) {
    return {
      ok: false,
      problem: 'diverged',
      seq: cp.count,
      checkpointCount: cp.count,
      logCount: chain.count,
      message: `log diverges from the checkpoint: record ${cp.count} has hash ${atCount ?? '(none)'}, checkpoint says ${cp.headHash} — records at or before seq ${cp.count} were rewritten`,
    };
  }
  return { ok: true, checkpointCount: cp.count, logCount: chain.count, message: `log extends the checkpoint: ${chain.count} ≥ ${cp.count} records, record ${cp.count} matches` };
}

/** The hash of archived record `seq`: the register has the last record of each archive; others come from the file. */
async function archivedHash(db: DbOrTrx, seq: number, options: CheckpointVerifyOptions): Promise<string | undefined> {
  const row = await db.selectFrom('audit_archives').select('last_hash').where('last_seq', '=', seq).executeTakeFirst();
  return row?.last_hash ?? (await options.archivedHashAt?.(seq));
}

function shorter(logCount: number, checkpointCount: number): CheckpointVerdict {
  return {
    ok: false,
    problem: 'log_shorter',
    seq: logCount + 1,
    checkpointCount,
    logCount,
    message: `log shorter than checkpoint: ${logCount} < ${checkpointCount} (tail cut off, or an older database restored)`,
  };
}
