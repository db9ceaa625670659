/** What a partner app may fetch: a consenting holder's stored certificates, every call audited (refusals too). */
import { writeAudit } from '../audit.ts';
import type { PartnerClient } from '../auth/partners.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import { hasConsent } from './consent.ts';

/** The person's certificates (`kind`, `text`); throws ERR_CONSENT_REQUIRED (403) without the holder's consent. */
export async function partnerFetch(
  db: Db,
  partner: PartnerClient,
  personId: string,
): Promise<{ kind: string; text: string }[]> {
  const actor = `partner:${partner.clientId}`;
  if (!(await hasConsent(db, personId, partner.id))) {
    await writeAudit(db, { actor, action: 'partner.fetch.refused', subject: personId });
    throw new ServerError('ERR_CONSENT_REQUIRED', 'the holder has not consented to this partner');
  }
  const { rows } = await db.query<{ kind: string; payload: string }>(
    'SELECT kind, payload FROM issued_certificates WHERE person_id = $1 ORDER BY kind',
    [personId],
  );
  await writeAudit(db, {
    actor,
    action: 'partner.fetch',
    subject: personId,
    details: { certificates: rows.length },
  });
  return rows.map((r) => ({ kind: r.kind, text: r.payload }));
}
