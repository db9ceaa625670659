/**
 * Reissue at the desk: after a revocation, or for an expired or otherwise dead pass, the person's DCC and SMART
 * Health Card are signed again from the current registry record at the next certificate generation, so they carry
 * a new UVCI and a new rid while the old ones stay revoked. The caller republishes the bundles.
 */
import { decide } from '@greenlight/rules';
import { writeAudit } from '../audit.ts';
import type { StaffMember } from '../auth/staff.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import type { DoseRow, PersonRow } from '../issuance/certificates.ts';
import {
  type SignedCertificate,
  type Signers,
  signDccOf,
  signShcOf,
  storeCertificates,
} from '../issuance/job.ts';
import { type DeskGuard, deadCertificateReasons, type GuardReason } from './paper.ts';

export interface Reissued {
  /** The new certificate generation (the previous one plus 1). */
  generation: number;
  /** The forms signed now: `<personId>:dcc`, `<personId>:shc`. */
  certificates: string[];
  /** Why the previous generation could not be used (decide()'s reasons for its dead forms). */
  reasons: GuardReason[];
}

/**
 * Signs the person's certificates again at the next generation when `decide()` (the desk guard's bundles and
 * clock) finds a stored form of the current generation dead: revoked, expired or invalid. Both forms are signed
 * together, so they keep one generation.
 *
 * Safe against a double click: the person's certificate rows are locked for the transaction, and a second request
 * finds the new generation good and is refused with ERR_REISSUE_NOT_NEEDED (409). Throws ERR_NOT_FOUND (404) when
 * the person does not exist or was never issued a certificate, and ERR_REISSUE_NO_CERTIFICATE (409) when the
 * registry record no longer gives one (no dose). Audited as `certificate.reissue` (refusals as
 * `certificate.reissue.refused`).
 */
export async function reissueCertificate(
  db: Db,
  member: StaffMember,
  personId: string,
  guard: DeskGuard,
  signers: (now: Date) => Promise<Signers>,
): Promise<Reissued> {
  const refuse = async (code: 'ERR_REISSUE_NOT_NEEDED' | 'ERR_REISSUE_NO_CERTIFICATE', message: string) => {
    await writeAudit(db, {
      actor: member.login,
      action: 'certificate.reissue.refused',
      subject: personId,
      details: { code },
    });
    return new ServerError(code, message);
  };
  type Outcome =
    | { reissued: Reissued; refused?: undefined }
    | { reissued?: undefined; refused: 'ERR_REISSUE_NOT_NEEDED' | 'ERR_REISSUE_NO_CERTIFICATE' };
  // The keys are read before the transaction: the key store reads through its own handle, which would wait for
  // this transaction on an embedded (single-connection) database.
  const signing = await signers(guard.now);
  const outcome = await db.transaction(async (tx): Promise<Outcome> => {
    const { rows: people } = await tx.query<PersonRow>(
      'SELECT id, family_name, given_name, family_name_t, given_name_t, birth_date FROM people WHERE id = $1',
      [personId],
    );
    const person = people[0];
    if (!person) throw new ServerError('ERR_NOT_FOUND', 'the person does not exist');
    const { rows: doses } = await tx.query<DoseRow>(
      `SELECT dose_number, series_total, target, vaccine_type, product, manufacturer, administered_on, country,
              issuer
       FROM immunizations WHERE person_id = $1`,
      [personId],
    );
    if (doses.length === 0) return { refused: 'ERR_REISSUE_NO_CERTIFICATE' as const };
    const { rows: issued } = await tx.query<{ kind: 'dcc' | 'shc'; payload: string; generation: number }>(
      'SELECT kind, payload, generation FROM issued_certificates WHERE person_id = $1 ORDER BY kind FOR UPDATE',
      [personId],
    );
    if (issued.length === 0) {
      throw new ServerError('ERR_NOT_FOUND', 'no certificate was ever issued to this person');
    }
    const reasons: GuardReason[] = [];
    for (const form of issued) {
      const decision = await decide(form.payload, guard.bundles, { now: guard.now, purpose: 'desk' });
      reasons.push(...(deadCertificateReasons(decision) ?? []));
    }
    if (reasons.length === 0) return { refused: 'ERR_REISSUE_NOT_NEEDED' as const };

    const generation = Math.max(...issued.map((form) => form.generation)) + 1;
    const dcc = await signDccOf(person, doses, generation, signing);
    if (!dcc) return { refused: 'ERR_REISSUE_NO_CERTIFICATE' as const };
    const signed: SignedCertificate[] = [dcc, await signShcOf(person, doses, generation, signing)];
    await storeCertificates(tx, signed);
    await writeAudit(tx, {
      actor: member.login,
      action: 'certificate.reissue',
      subject: personId,
      details: {
        generation,
        previous: generation - 1,
        forms: signed.map((form) => form.kind),
        reasons: [...new Set(reasons.map((reason) => reason.code))],
      },
    });
    return {
      reissued: {
        generation,
        certificates: signed.map((form) => `${personId}:${form.kind}`),
        reasons,
      },
    };
  });
  if (outcome.reissued) return outcome.reissued;
  throw outcome.refused === 'ERR_REISSUE_NOT_NEEDED'
    ? await refuse(outcome.refused, 'every form of the current certificate is still good: print it instead')
    : await refuse(
        outcome.refused,
        'the registry record gives this person no certificate (no dose recorded)',
      );
}
