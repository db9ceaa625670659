/** Paper at the desk: a person's printed pass (audited) and the record of a vaccination sticker on an ID card. */
import { type DecisionBundles, decide } from '@greenlight/rules';
import { uuidv7 } from 'uuidv7';
import { writeAudit } from '../audit.ts';
import type { StaffMember } from '../auth/staff.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import { paperPassPdf } from '../paper/pass-pdf.ts';

/** Deciding reasons that mean the certificate itself is no longer good: printing it would hand out a dead pass. */
const UNPRINTABLE = new Set(['REVOKED', 'TECHNICAL_FAILED', 'EVENTS_INVALID', 'FIELD_INVALID']);

/**
 * The person's DCC as a printable PDF, after `decide()` (purpose `desk`) with the bundles the scanners hold: a
 * revoked, expired or otherwise invalid certificate is refused with ERR_PASS_NOT_PRINTABLE (409), whose details
 * carry the decision's reasons (codes and plain words). A pass that the policy does not accept today (say a
 * primary series past its window) is still a true record and prints. Throws ERR_NOT_FOUND (404) when none is
 * stored. Audited, refusals too.
 */
export async function printPass(
  db: Db,
  member: StaffMember,
  personId: string,
  guard: { bundles: DecisionBundles; now: Date },
): Promise<Uint8Array> {
  const { rows } = await db.query<{ payload: string }>(
    "SELECT payload FROM issued_certificates WHERE person_id = $1 AND kind = 'dcc'",
    [personId],
  );
  if (!rows[0]) throw new ServerError('ERR_NOT_FOUND', 'a certificate for this person does not exist');
  const decision = await decide(rows[0].payload, guard.bundles, { now: guard.now, purpose: 'desk' });
  const deciding = decision.reasons[0];
  if (decision.verdict === 'fail' && deciding && UNPRINTABLE.has(deciding.code)) {
    const reasons = decision.reasons
      .filter((reason) => reason.code !== 'RULE_PASSED')
      .map((reason) => ({ code: reason.code, text: reason.text }));
    await writeAudit(db, {
      actor: member.login,
      action: 'paper.print.refused',
      subject: personId,
      details: { reasons: reasons.map((reason) => reason.code) },
    });
    throw new ServerError(
      'ERR_PASS_NOT_PRINTABLE',
      `this certificate cannot be printed: ${deciding.text.en ?? deciding.code}`,
      { details: { reasons } },
    );
  }
  await writeAudit(db, { actor: member.login, action: 'paper.print', subject: personId });
  return paperPassPdf(rows[0].payload);
}

/** Records a sticker issued to the person now; throws ERR_NOT_FOUND (404) for no such person. */
export async function issueSticker(
  db: Db,
  member: StaffMember,
  personId: string,
  now: Date,
): Promise<{ id: string; issuedAt: string }> {
  const { rows } = await db.query('SELECT 1 FROM people WHERE id = $1', [personId]);
  if (!rows[0]) throw new ServerError('ERR_NOT_FOUND', 'the person does not exist');
  const id = uuidv7();
  const issuedAt = now.toISOString();
  await db.query('INSERT INTO stickers (id, person_id, issued_at, issued_by) VALUES ($1, $2, $3, $4)', [
    id,
    personId,
    issuedAt,
    member.login,
  ]);
  await writeAudit(db, {
    actor: member.login,
    action: 'sticker.issue',
    subject: personId,
    details: { sticker: id },
  });
  return { id, issuedAt };
}
