/** Holder consent to a partner app: granted and withdrawn by the holder, audited, checked before every fetch. */
import { writeAudit } from '../audit.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';

/** Grants or withdraws `clientId`'s access to the holder's certificates; throws ERR_NOT_FOUND for no such partner. */
export async function setConsent(db: Db, personId: string, clientId: string, granted: boolean, now: Date) {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM partner_clients WHERE client_id = $1', [
    clientId,
  ]);
  const partner = rows[0];
  if (!partner) throw new ServerError('ERR_NOT_FOUND', `no partner ${clientId}`);
  if (granted) {
    await db.query(
      `INSERT INTO partner_consents (person_id, partner_id, granted_at) VALUES ($1, $2, $3)
       ON CONFLICT (person_id, partner_id) DO UPDATE SET granted_at = EXCLUDED.granted_at, revoked_at = NULL`,
      [personId, partner.id, now.toISOString()],
    );
  } else {
    await db.query('UPDATE partner_consents SET revoked_at = $3 WHERE person_id = $1 AND partner_id = $2', [
      personId,
      partner.id,
      now.toISOString(),
    ]);
  }
  await writeAudit(db, {
    actor: `holder:${personId}`,
    action: granted ? 'consent.grant' : 'consent.revoke',
    subject: personId,
    details: { partner: clientId },
  });
}

export async function hasConsent(db: Db, personId: string, partnerId: string): Promise<boolean> {
  const { rows } = await db.query(
    'SELECT 1 FROM partner_consents WHERE person_id = $1 AND partner_id = $2 AND revoked_at IS NULL',
    [personId, partnerId],
  );
  return rows.length > 0;
}
