/**
 * Bulk issuance: signs every eligible person's EU DCC and SMART Health Card ahead of time and stores them, so a
 * holder's first download is a read of a stored blob, never a signing request. A re-run signs only the records
 * whose source changed (or whose certificate was signed by a key that is no longer in force).
 */
import { encodeHc1, IMMUNIZATION_TYPE, signShc } from '@greenlight/codec';
import type { Db } from '../db/types.ts';
import type { KeyStore } from '../keys/store.ts';
import {
  type DoseRow,
  fhirBundleFor,
  hcertFor,
  type PersonRow,
  shcRid,
  sourceHash,
  uvci,
} from './certificates.ts';

export interface IssuanceOptions {
  /** The SHC issuer URL (`iss`), e.g. `https://greenlight.example`. */
  shcIssuer: string;
  now?: Date;
  /** People per database round trip (default 500). */
  batchSize?: number;
  /** Certificate validity (default 365 days). */
  validityDays?: number;
  onProgress?: (progress: { done: number; total: number; signed: number }) => void;
}

export interface IssuanceSummary {
  people: number;
  signed: number;
  unchanged: number;
  failed: { personId: string; error: string }[];
  seconds: number;
  /** Certificates (DCC + SHC) signed per second of the run. */
  certificatesPerSecond: number;
}

interface Issued {
  person_id: string;
  kind: 'dcc' | 'shc';
  source_hash: string;
  key_id: string;
}

export async function runIssuance(
  db: Db,
  keys: KeyStore,
  options: IssuanceOptions,
): Promise<IssuanceSummary> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 500;
  const validity = (options.validityDays ?? 365) * 86_400_000;
  const dsc = await keys.signingDsc(now);
  const shcKey = await keys.signingShcKey(now);
  const shcKeyId = (await keys.list('shc')).find((k) => k.kid === shcKey.kid)?.id;
  if (!shcKeyId) throw new Error(`SHC key ${shcKey.kid} is not in the key store`);
  const total = Number(
    (await db.query<{ n: string }>('SELECT count(DISTINCT person_id) AS n FROM immunizations')).rows[0]?.n ??
      0,
  );
  const summary: IssuanceSummary = {
    people: 0,
    signed: 0,
    unchanged: 0,
    failed: [],
    seconds: 0,
    certificatesPerSecond: 0,
  };

  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows: people } = await db.query<PersonRow>(
      `SELECT id, family_name, given_name, family_name_t, given_name_t, birth_date FROM people p
       WHERE id > $1 AND EXISTS (SELECT 1 FROM immunizations i WHERE i.person_id = p.id)
       ORDER BY id LIMIT $2`,
      [after, batchSize],
    );
    if (people.length === 0) break;
    after = (people.at(-1) as PersonRow).id;
    const ids = people.map((p) => p.id);
    const { rows: doseRows } = await db.query<DoseRow & { person_id: string }>(
      `SELECT person_id, dose_number, series_total, target, vaccine_type, product, manufacturer, administered_on,
              country, issuer
       FROM immunizations WHERE person_id = ANY($1::uuid[])`,
      [ids],
    );
    const doses = new Map<string, DoseRow[]>();
    for (const row of doseRows) doses.set(row.person_id, [...(doses.get(row.person_id) ?? []), row]);
    const { rows: issuedRows } = await db.query<Issued>(
      'SELECT person_id, kind, source_hash, key_id FROM issued_certificates WHERE person_id = ANY($1::uuid[])',
      [ids],
    );
    const issued = new Map(issuedRows.map((r) => [`${r.person_id}:${r.kind}`, r]));

    const rows: unknown[][] = [];
    await Promise.all(
      people.map(async (person) => {
        const personDoses = doses.get(person.id) ?? [];
        const hash = sourceHash(person, personDoses);
        const dcc = issued.get(`${person.id}:dcc`);
        const shc = issued.get(`${person.id}:shc`);
        try {
          if (dcc?.source_hash === hash && dcc.key_id === dsc.record.id) summary.unchanged++;
          else {
            const hcert = hcertFor(person, personDoses);
            if (hcert) {
              const latest = Math.max(...personDoses.map((d) => d.dose_number));
              const text = await encodeHc1(hcert, {
                signer: { kid: dsc.kidBytes, alg: 'ES256', privateKey: dsc.privateKey },
                issuer: dsc.record.country,
                issuedAt: now,
                expiresAt: new Date(now.getTime() + validity),
              });
              rows.push([
                person.id,
                'dcc',
                text,
                hash,
                dsc.record.id,
                uvci(person.id, latest, dsc.record.country),
                now.toISOString(),
                new Date(now.getTime() + validity).toISOString(),
              ]);
            }
          }
          if (shc?.source_hash === hash && shc.key_id === shcKeyId) summary.unchanged++;
          else {
            const jws = await signShc(
              {
                iss: options.shcIssuer,
                nbf: now,
                fhirBundle: fhirBundleFor(person, personDoses),
                rid: shcRid(shcKey.kid, person.id),
                types: [IMMUNIZATION_TYPE],
              },
              shcKey,
            );
            rows.push([person.id, 'shc', jws, hash, shcKeyId, null, now.toISOString(), null]);
          }
        } catch (error) {
          summary.failed.push({
            personId: person.id,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }),
    );
    if (rows.length > 0) {
      const column = (i: number) => rows.map((r) => r[i]);
      await db.query(
        `INSERT INTO issued_certificates (person_id, kind, payload, source_hash, key_id, uci, issued_at, expires_at)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[],
                              $7::timestamptz[], $8::timestamptz[])
         ON CONFLICT (person_id, kind) DO UPDATE SET payload = EXCLUDED.payload, source_hash = EXCLUDED.source_hash,
           key_id = EXCLUDED.key_id, uci = EXCLUDED.uci, issued_at = EXCLUDED.issued_at,
           expires_at = EXCLUDED.expires_at`,
        [0, 1, 2, 3, 4, 5, 6, 7].map(column),
      );
      summary.signed += rows.length;
    }
    summary.people += people.length;
    options.onProgress?.({ done: summary.people, total, signed: summary.signed });
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.certificatesPerSecond = summary.seconds > 0 ? summary.signed / summary.seconds : 0;
  return summary;
}
