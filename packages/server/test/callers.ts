/**
 * Test support: the authority app on a test database with one of every caller, for tests that walk many routes
 * (the request vectors, the OpenAPI fuzz test): a person with a DCC and an SHC, a holder session, a staff token
 * per role, a venue with a device, and a partner client with the holder's consent.
 */
import type { FastifyInstance } from 'fastify';
import { createVenueDevice } from '../src/auth/devices.ts';
import { mintHolderSession } from '../src/auth/holders.ts';
import { hashSecret } from '../src/auth/partners.ts';
import { createStaffToken, type StaffRole } from '../src/auth/staff.ts';
import type { Db } from '../src/db/types.ts';
import type { OtpSender } from '../src/holders/otp.ts';
import { runIssuance } from '../src/issuance/job.ts';
import { KeyStore } from '../src/keys/store.ts';
import { authorityApp, TEST_SHC_ISSUER } from './authority-app.ts';

export const CALLERS_SECRET = 'a test secret that is long enough to derive a key';
export const CALLERS_NOW = new Date('2022-01-20T03:00:00Z');
export const PERSON = '0190a000-0000-7000-8000-000000000001';
export const VENUE = '0190a000-0000-7000-8000-0000000000b1';
export const PARTNER_CLIENT = { clientId: 'toss', clientSecret: 'toss-secret-0123456789' };
export const STAFF_ROLES: StaffRole[] = ['investigator', 'inspector', 'staff', 'venue_owner'];

export interface Callers {
  app: FastifyInstance;
  /** `Authorization` header values by caller. */
  holder: string;
  staff: Record<StaffRole, string>;
  device: string;
  partner: string;
}

export interface CallersOptions {
  /** The app's clock (default: fixed at CALLERS_NOW). */
  now?: () => Date;
  otpSender?: OtpSender;
  /** Serve the built apps from this folder. */
  appsDir?: string;
}

/** Seeds `db` (a migrated, empty test database) and builds the app. */
export async function callersApp(db: Db, options: CallersOptions = {}): Promise<Callers> {
  const now = options.now ?? (() => CALLERS_NOW);
  const keys = new KeyStore(db, { secret: CALLERS_SECRET, now });
  await keys.ensure();
  await db.query(
    `INSERT INTO people (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date, phone)
     VALUES ($1, 'KR-0000001', '박', '서연', 'PARK', 'SEOYEON', '1950-02-03', '+82-10-2000-0001')`,
    [PERSON],
  );
  await db.query(
    `INSERT INTO immunizations (person_id, dose_number, series_total, target, vaccine_type, product, manufacturer,
       administered_on, country, issuer)
     VALUES ($1, 3, 2, '840539006', '1119349007', 'EU/1/20/1528', 'ORG-100030215', '2021-12-01', 'KR', 'KDCA')`,
    [PERSON],
  );
  await runIssuance(db, keys, { shcIssuer: TEST_SHC_ISSUER, now: now() });
  await db.query(
    "INSERT INTO venues (id, name, category, address) VALUES ($1, 'Cafe Haneul', 'cafe', 'Seoul')",
    [VENUE],
  );
  const partnerId = '0190a000-0000-7000-8000-0000000000aa';
  await db.query(
    `INSERT INTO partner_clients (id, client_id, name, secret_hash, quota_per_minute)
     VALUES ($1, $2, 'Toss', $3, 1000000)`,
    [partnerId, PARTNER_CLIENT.clientId, await hashSecret(PARTNER_CLIENT.clientSecret)],
  );
  const staff = {} as Record<StaffRole, string>;
  for (const role of STAFF_ROLES) {
    const token = await createStaffToken(db, {
      login: `${role}-1`,
      role,
      venueId: role === 'venue_owner' ? VENUE : null,
    });
    staff[role] = `Bearer ${token}`;
  }
  const device = await createVenueDevice(db, VENUE);
  const session = await mintHolderSession(db, PERSON, now());
  const app = await authorityApp(db, {
    keys,
    secret: CALLERS_SECRET,
    now,
    ...(options.otpSender ? { otpSender: options.otpSender } : {}),
    ...(options.appsDir ? { appsDir: options.appsDir } : {}),
  });
  const consent = await app.inject({
    method: 'PUT',
    url: `/v1/me/partners/${PARTNER_CLIENT.clientId}/consent`,
    headers: { authorization: `Bearer ${session.token}` },
  });
  if (consent.statusCode !== 200) throw new Error(`consent: ${consent.statusCode} ${consent.body}`);
  const token = await app.inject({
    method: 'POST',
    url: '/v1/oauth/token',
    payload: {
      grant_type: 'client_credentials',
      client_id: PARTNER_CLIENT.clientId,
      client_secret: PARTNER_CLIENT.clientSecret,
    },
  });
  if (token.statusCode !== 200) throw new Error(`token: ${token.statusCode} ${token.body}`);
  return {
    app,
    holder: `Bearer ${session.token}`,
    staff,
    device: `Bearer ${device.credential}`,
    partner: `Bearer ${(token.json() as { access_token: string }).access_token}`,
  };
}
