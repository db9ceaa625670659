/**
 * Paper at the desk: a person's printed pass and the record of a vaccination sticker on an ID card, each guarded by
 * `decide()` with the bundles the scanners hold, and audited (refusals too).
 */
import { type Decision, type DecisionBundles, decide } from '@greenlight/rules';
import { uuidv7 } from 'uuidv7';
import { writeAudit } from '../audit.ts';
import type { StaffMember } from '../auth/staff.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import { paperPassPdf } from '../paper/pass-pdf.ts';

/** What a desk guard decides with: the bundles in force (as the scanners hold them) and the clock. */
export interface DeskGuard {
  bundles: DecisionBundles;
  now: Date;
}

/** A reason a guard gives a person: its stable code and plain words in every language decide() has. */
export interface GuardReason {
  code: string;
  text: Record<string, string>;
}

/** Deciding reasons that mean the certificate itself is no longer good: printing it would hand out a dead pass. */
const UNPRINTABLE = new Set(['REVOKED', 'TECHNICAL_FAILED', 'EVENTS_INVALID', 'FIELD_INVALID']);

/** The reasons that people read, without the list of rules that passed. */
export const readableReasons = (decision: Decision): GuardReason[] =>
  decision.reasons
    .filter((reason) => reason.code !== 'RULE_PASSED')
    .map((reason) => ({ code: reason.code, text: reason.text }));

/**
 * Why a certificate is dead (revoked, expired, or not a valid certificate at all), from its decision; undefined
 * when it is a true record that may be printed, even if the policy does not admit its holder today (say a primary
 * series past its window). A dead certificate is what a reissue replaces.
 */
export function deadCertificateReasons(decision: Decision): GuardReason[] | undefined {
  const deciding = decision.reasons[0];
  if (decision.verdict !== 'fail' || !deciding || !UNPRINTABLE.has(deciding.code)) return undefined;
  return readableReasons(decision);
}

/** The person's current DCC (HC1 text) and its generation; ERR_NOT_FOUND (404) when none is stored. */
async function currentDcc(db: Db, personId: string): Promise<{ payload: string; generation: number }> {
  const { rows } = await db.query<{ payload: string; generation: number }>(
    "SELECT payload, generation FROM issued_certificates WHERE person_id = $1 AND kind = 'dcc'",
    [personId],
  );
  if (!rows[0]) throw new ServerError('ERR_NOT_FOUND', 'a certificate for this person does not exist');
  return rows[0];
}

/**
 * The person's DCC as a printable PDF, after `decide()` (purpose `desk`) with the bundles the scanners hold: a
 * revoked, expired or otherwise invalid certificate is refused with ERR_PASS_NOT_PRINTABLE (409), whose details
 * carry the decision's reasons (codes and plain words); the desk then offers a reissue. A pass that the policy
 * does not accept today (say a primary series past its window) is still a true record and prints. Throws
 * ERR_NOT_FOUND (404) when none is stored. Audited, refusals too.
 */
export async function printPass(
  db: Db,
  member: StaffMember,
  personId: string,
  guard: DeskGuard,
): Promise<Uint8Array> {
  const { payload } = await currentDcc(db, personId);
  const decision = await decide(payload, guard.bundles, { now: guard.now, purpose: 'desk' });
  const reasons = deadCertificateReasons(decision);
  if (reasons) {
    await writeAudit(db, {
      actor: member.login,
      action: 'paper.print.refused',
      subject: personId,
      details: { reasons: reasons.map((reason) => reason.code) },
    });
    const first = reasons[0];
    throw new ServerError(
      'ERR_PASS_NOT_PRINTABLE',
      `this certificate cannot be printed: ${first?.text.en ?? first?.code ?? 'not valid'}`,
      { details: { reasons } },
    );
  }
  await writeAudit(db, { actor: member.login, action: 'paper.print', subject: personId });
  return paperPassPdf(payload);
}

/**
 * The verdicts a sticker may stand for. A sticker on an ID card says "vaccinated" to every venue, so only a
 * certificate that the policy admits as vaccinated today gets one: `pass`. An exemption has its own paper, and a
 * `solo-only`, `check-id`, `warn` or `fail` verdict is not what a sticker can show.
 */
const STICKER_VERDICTS: ReadonlySet<Decision['verdict']> = new Set(['pass']);

/** A sticker as recorded. */
export interface StickerRecord {
  id: string;
  issuedAt: string;
  /** The certificate generation the sticker vouches for. */
  generation: number;
  /** The earlier sticker of the same generation that this one replaces. */
  replaces?: string;
}

/** PostgreSQL's unique_violation: another request recorded the same generation's sticker first. */
const isUniqueViolation = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

/**
 * Records a sticker put on the person's ID card now, after `decide()` (purpose `desk`, the same bundles as the
 * print guard) on their current DCC: anything but a `pass` verdict is refused with ERR_STICKER_NOT_ALLOWED (409)
 * and the decision's reasons. One sticker per certificate generation: a second one is refused with
 * ERR_STICKER_EXISTS (409) unless `replace` says why the earlier one is replaced (a lost or damaged ID card); the
 * earlier one is then marked replaced. Throws ERR_NOT_FOUND (404) for no such person or no certificate. Audited:
 * `sticker.issue`, `sticker.replace`, `sticker.refused`.
 */
export async function issueSticker(
  db: Db,
  member: StaffMember,
  personId: string,
  guard: DeskGuard,
  replace?: { reason: string },
): Promise<StickerRecord> {
  const { rows } = await db.query('SELECT 1 FROM people WHERE id = $1', [personId]);
  if (!rows[0]) throw new ServerError('ERR_NOT_FOUND', 'the person does not exist');
  const { payload, generation } = await currentDcc(db, personId);
  const decision = await decide(payload, guard.bundles, { now: guard.now, purpose: 'desk' });
  if (!STICKER_VERDICTS.has(decision.verdict)) {
    const reasons = readableReasons(decision);
    await writeAudit(db, {
      actor: member.login,
      action: 'sticker.refused',
      subject: personId,
      details: { verdict: decision.verdict, reasons: reasons.map((reason) => reason.code) },
    });
    const first = reasons[0];
    throw new ServerError(
      'ERR_STICKER_NOT_ALLOWED',
      `no sticker for this certificate: ${first?.text.en ?? first?.code ?? decision.verdict}`,
      { details: { reasons } },
    );
  }

  const issuedAt = guard.now.toISOString();
  const id = uuidv7();
  try {
    return await db.transaction(async (tx) => {
      const { rows: current } = await tx.query<{ id: string; issued_at: Date }>(
        `SELECT id, issued_at FROM stickers WHERE person_id = $1 AND generation = $2 AND replaced_at IS NULL
         FOR UPDATE`,
        [personId, generation],
      );
      const earlier = current[0];
      if (earlier && !replace) {
        throw new ServerError(
          'ERR_STICKER_EXISTS',
          `a sticker for this certificate was recorded at ${new Date(earlier.issued_at).toISOString()}`,
        );
      }
      if (earlier && replace) {
        await tx.query(
          'UPDATE stickers SET replaced_at = $2, replaced_by = $3, replace_reason = $4 WHERE id = $1',
          [earlier.id, issuedAt, member.login, replace.reason],
        );
      }
      await tx.query(
        'INSERT INTO stickers (id, person_id, issued_at, issued_by, generation) VALUES ($1, $2, $3, $4, $5)',
        [id, personId, issuedAt, member.login, generation],
      );
      await writeAudit(tx, {
        actor: member.login,
        action: earlier ? 'sticker.replace' : 'sticker.issue',
        subject: personId,
        details: {
          sticker: id,
          generation,
          ...(earlier ? { replaces: earlier.id, reason: replace?.reason } : {}),
        },
      });
      return { id, issuedAt, generation, ...(earlier ? { replaces: earlier.id } : {}) };
    });
  } catch (error) {
    const exists =
      isUniqueViolation(error) || (error instanceof ServerError && error.code === 'ERR_STICKER_EXISTS');
    if (!exists) throw error;
    await writeAudit(db, {
      actor: member.login,
      action: 'sticker.refused',
      subject: personId,
      details: { generation, reasons: ['STICKER_EXISTS'] },
    });
    throw error instanceof ServerError
      ? error
      : new ServerError('ERR_STICKER_EXISTS', 'a sticker for this certificate was just recorded');
  }
}
