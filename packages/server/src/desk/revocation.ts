/** Revocation at the desk: a DCC by its UCI, an SHC by its rid; the caller republishes the bundles. */
import { uuidv7 } from 'uuidv7';
import { writeAudit } from '../audit.ts';
import type { StaffMember } from '../auth/staff.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import { shcRid } from '../issuance/certificates.ts';

/** Revokes the person's certificate of `kind`; throws ERR_NOT_FOUND (404) when none is stored. Audited. */
export async function revokeCertificate(
  db: Db,
  member: StaffMember,
  personId: string,
  kind: 'dcc' | 'shc',
  reason: string,
): Promise<void> {
  const { rows } = await db.query<{ uci: string | null; key_id: string; kid: string }>(
    `SELECT c.uci, c.key_id, k.kid FROM issued_certificates c JOIN keys k ON k.id = c.key_id
     WHERE c.person_id = $1 AND c.kind = $2`,
    [personId, kind],
  );
  const cert = rows[0];
  if (!cert) throw new ServerError('ERR_NOT_FOUND', 'the certificate does not exist');
  await db.query(
    `INSERT INTO revocations (id, kind, uci, key_id, reference, reason, revoked_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      uuidv7(),
      kind,
      kind === 'dcc' ? cert.uci : null,
      cert.key_id,
      kind === 'shc' ? shcRid(cert.kid, personId) : null,
      reason,
      member.login,
    ],
  );
  await writeAudit(db, {
    actor: member.login,
    action: 'certificate.revoke',
    subject: personId,
    details: { kind, reason },
  });
}
