/**
 * Bulk issuance: signs every eligible person's EU DCC and SMART Health Card ahead of time and stores them, so a
 * holder's first download is a read of a stored blob, never a signing request. A re-run signs only the records
 * whose source changed (or whose certificate was signed by a key that is no longer in force).
 */
import { encodeHc1, IMMUNIZATION_TYPE, type ShcSigningKey, signShc } from '@greenlight/codec';
import type { Db } from '../db/types.ts';
import type { DscSigner, KeyStore } from '../keys/store.ts';
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
  generation: number;
}

/** The keys in force at `now` and what every certificate signed with them shares. */
export interface Signers {
  dsc: DscSigner;
  shcKey: ShcSigningKey;
  /** The key store id of `shcKey`. */
  shcKeyId: string;
  shcIssuer: string;
  now: Date;
  /** DCC validity, milliseconds from `now`. */
  validityMs: number;
}

/** One row of `issued_certificates`, as signed. */
export interface SignedCertificate {
  personId: string;
  kind: 'dcc' | 'shc';
  payload: string;
  sourceHash: string;
  keyId: string;
  uci: string | null;
  issuedAt: Date;
  expiresAt: Date | null;
  generation: number;
}

/** The signing keys in force at `now` (ERR_KEY_MISSING when there is none). */
export async function signersAt(
  keys: KeyStore,
  options: { shcIssuer: string; now: Date; validityDays?: number },
): Promise<Signers> {
  const dsc = await keys.signingDsc(options.now);
  const shcKey = await keys.signingShcKey(options.now);
  const shcKeyId = (await keys.list('shc')).find((k) => k.kid === shcKey.kid)?.id;
  if (!shcKeyId) throw new Error(`SHC key ${shcKey.kid} is not in the key store`);
  return {
    dsc,
    shcKey,
    shcKeyId,
    shcIssuer: options.shcIssuer,
    now: options.now,
    validityMs: (options.validityDays ?? 365) * 86_400_000,
  };
}

/**
 * The person's EU DCC (HC1 text) of their latest dose at certificate `generation`; undefined when the record has
 * no dose, so gives no certificate.
 */
export async function signDccOf(
  person: PersonRow,
  doses: readonly DoseRow[],
  generation: number,
  signers: Signers,
): Promise<SignedCertificate | undefined> {
  const hcert = hcertFor(person, doses, generation);
  if (!hcert) return undefined;
  const { dsc, now } = signers;
  const expiresAt = new Date(now.getTime() + signers.validityMs);
  const latest = Math.max(...doses.map((d) => d.dose_number));
  const payload = await encodeHc1(hcert, {
    signer: { kid: dsc.kidBytes, alg: 'ES256', privateKey: dsc.privateKey },
    issuer: dsc.record.country,
    issuedAt: now,
    expiresAt,
  });
  return {
    personId: person.id,
    kind: 'dcc',
    payload,
    sourceHash: sourceHash(person, doses),
    keyId: dsc.record.id,
    uci: uvci(person.id, latest, dsc.record.country, generation),
    issuedAt: now,
    expiresAt,
    generation,
  };
}

/** The person's SMART Health Card (compact JWS) of every dose at certificate `generation` (its rid). */
export async function signShcOf(
  person: PersonRow,
  doses: readonly DoseRow[],
  generation: number,
  signers: Signers,
): Promise<SignedCertificate> {
  const payload = await signShc(
    {
      iss: signers.shcIssuer,
      nbf: signers.now,
      fhirBundle: fhirBundleFor(person, doses),
      rid: shcRid(signers.shcKey.kid, person.id, generation),
      types: [IMMUNIZATION_TYPE],
    },
    signers.shcKey,
  );
  return {
    personId: person.id,
    kind: 'shc',
    payload,
    sourceHash: sourceHash(person, doses),
    keyId: signers.shcKeyId,
    uci: null,
    issuedAt: signers.now,
    expiresAt: null,
    generation,
  };
}

/** Stores signed certificates, replacing each person's previous one of the same kind, in one statement. */
export async function storeCertificates(db: Db, rows: readonly SignedCertificate[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <K extends keyof SignedCertificate>(key: K, map?: (v: SignedCertificate[K]) => unknown) =>
    rows.map((r) => (map ? map(r[key]) : r[key]));
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  await db.query(
    `INSERT INTO issued_certificates (person_id, kind, payload, source_hash, key_id, uci, issued_at, expires_at,
       generation)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[],
                          $7::timestamptz[], $8::timestamptz[], $9::int[])
     ON CONFLICT (person_id, kind) DO UPDATE SET payload = EXCLUDED.payload, source_hash = EXCLUDED.source_hash,
       key_id = EXCLUDED.key_id, uci = EXCLUDED.uci, issued_at = EXCLUDED.issued_at,
       expires_at = EXCLUDED.expires_at, generation = EXCLUDED.generation`,
    [
      column('personId'),
      column('kind'),
      column('payload'),
      column('sourceHash'),
      column('keyId'),
      column('uci'),
      column('issuedAt', iso),
      column('expiresAt', iso),
      column('generation'),
    ],
  );
}

export async function runIssuance(
  db: Db,
  keys: KeyStore,
  options: IssuanceOptions,
): Promise<IssuanceSummary> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 500;
  const signers = await signersAt(keys, {
    shcIssuer: options.shcIssuer,
    now,
    ...(options.validityDays === undefined ? {} : { validityDays: options.validityDays }),
  });
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
      `SELECT person_id, kind, source_hash, key_id, generation FROM issued_certificates
       WHERE person_id = ANY($1::uuid[])`,
      [ids],
    );
    const issued = new Map(issuedRows.map((r) => [`${r.person_id}:${r.kind}`, r]));

    const rows: SignedCertificate[] = [];
    await Promise.all(
      people.map(async (person) => {
        const personDoses = doses.get(person.id) ?? [];
        const hash = sourceHash(person, personDoses);
        const dcc = issued.get(`${person.id}:dcc`);
        const shc = issued.get(`${person.id}:shc`);
        // A re-run signs again at the person's current generation: a reissued certificate never falls back to
        // the identifiers of a generation that was revoked.
        const generation = Math.max(dcc?.generation ?? 0, shc?.generation ?? 0);
        try {
          if (dcc?.source_hash === hash && dcc.key_id === signers.dsc.record.id) summary.unchanged++;
          else {
            const signed = await signDccOf(person, personDoses, generation, signers);
            if (signed) rows.push(signed);
          }
          if (shc?.source_hash === hash && shc.key_id === signers.shcKeyId) summary.unchanged++;
          else rows.push(await signShcOf(person, personDoses, generation, signers));
        } catch (error) {
          summary.failed.push({
            personId: person.id,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }),
    );
    await storeCertificates(db, rows);
    summary.signed += rows.length;
    summary.people += people.length;
    options.onProgress?.({ done: summary.people, total, signed: summary.signed });
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.certificatesPerSecond = summary.seconds > 0 ? summary.signed / summary.seconds : 0;
  return summary;
}
