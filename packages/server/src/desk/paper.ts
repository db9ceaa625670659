/** Paper at the desk: a person's printed pass (audited) and the record of a vaccination sticker on an ID card. */
import { uuidv7 } from 'uuidv7';
import { writeAudit } from '../audit.ts';
import type { StaffMember } from '../auth/staff.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import { paperPassPdf } from '../paper/pass-pdf.ts';

/** The person's DCC as a printable PDF; throws ERR_NOT_FOUND (404) when none is stored. */
export async function printPass(db: Db, member: StaffMember, personId: string): Promise<Uint8Array> {
  const { rows } = await db.query<{ payload: string }>(
    "SELECT payload FROM issued_certificates WHERE person_id = $1 AND kind = 'dcc'",
    [personId],
  );
  if (!rows[0]) throw new ServerError('ERR_NOT_FOUND', 'a certificate for this person does not exist');
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
