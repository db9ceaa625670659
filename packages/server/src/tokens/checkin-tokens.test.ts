/**
 * Single-use check-in tokens end to end over HTTP: a holder's batches, presentations that carry them, check-ins at
 * several venues, and investigations that open every token to the holder and count replayed ones.
 */
import { randomBytes } from 'node:crypto';
import {
  bytesToBase64url,
  createPresentation,
  DscTrustList,
  exportDevicePublicKey,
  generateDeviceKey,
  verifyPresentation,
} from '@greenlight/codec';
import { dayIso, kstDay } from '@greenlight/rules';
import type { FastifyInstance } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityApp } from '../../test/authority-app.ts';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { createVenueDevice } from '../auth/devices.ts';
import { createStaffToken } from '../auth/staff.ts';
import { ConsoleOtpSender, normaliseContact } from '../holders/otp.ts';
import { runIssuance } from '../issuance/job.ts';
import { KeyStore, publishedKeys } from '../keys/store.ts';
import { holderNumber } from './holders.ts';
import { CheckinTokens } from './tokens.ts';

const KEY_SECRET = 'a test secret that is long enough to derive a key';
const TOKEN_SECRET = 'the check-in token secret of this test, 32+ bytes';
const PERSON = '0190a000-0000-7000-8000-00000000c001';
const OTHER = '0190a000-0000-7000-8000-00000000c002';
const VENUES = [
  '0190a000-0000-7000-8000-00000000d001',
  '0190a000-0000-7000-8000-00000000d002',
  '0190a000-0000-7000-8000-00000000d003',
];

interface Contact {
  personId: string;
  at: string;
  tokenEntries: number;
}

describe.each(DB_KINDS)('single-use check-in tokens (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  let session: string;
  let investigator: string;
  const devices: string[] = [];
  const sender = new ConsoleOtpSender(() => undefined);
  const opener = new CheckinTokens(TOKEN_SECRET);

  beforeAll(async () => {
    t = await testDb(kind);
    const now = new Date();
    const keys = new KeyStore(t.db, { secret: KEY_SECRET, now: () => now });
    await keys.ensure();
    for (const [id, ext, phone] of [
      [PERSON, 'C1', '+82-10-2000-0001'],
      [OTHER, 'C2', '+82-10-2000-0002'],
    ]) {
      await t.db.query(
        `INSERT INTO people (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date, phone)
         VALUES ($1, $2, '박', '서연', 'PARK', 'SEOYEON', '1988-08-08', $3)`,
        [id, ext, phone],
      );
      await t.db.query(
        `INSERT INTO immunizations (person_id, dose_number, series_total, target, vaccine_type, product,
           manufacturer, administered_on, country, issuer)
         VALUES ($1, 2, 2, '840539006', '1119349007', 'EU/1/20/1528', 'ORG-100030215', '2021-09-01', 'KR', 'KDCA')`,
        [id],
      );
    }
    for (const [i, venue] of VENUES.entries()) {
      await t.db.query(
        `INSERT INTO venues (id, name, category, address) VALUES ($1, $2, 'restaurant', 'Seoul')`,
        [venue, `Venue ${i}`],
      );
      devices.push((await createVenueDevice(t.db, venue)).credential);
    }
    await runIssuance(t.db, keys, { shcIssuer: 'https://greenlight.example', now });
    app = await authorityApp(t.db, {
      keys,
      secret: KEY_SECRET,
      now: () => new Date(),
      otpSender: sender,
      tokenSecret: TOKEN_SECRET,
    });
    const contact = '010-2000-0001';
    await app.inject({ method: 'POST', url: '/v1/auth/otp', payload: { contact } });
    const code = sender.codes.get(normaliseContact(contact)) as string;
    session = (
      await app.inject({ method: 'POST', url: '/v1/auth/otp/verify', payload: { contact, code } })
    ).json().token;
    investigator = await createStaffToken(t.db, { login: 'kdca.tokens', role: 'investigator' });
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  const get = (url: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${session}` } });
  const checkIn = (device: number, token: string, at = new Date()) =>
    app.inject({
      method: 'POST',
      url: '/v1/checkins',
      headers: { authorization: `Bearer ${devices[device]}` },
      payload: {
        entries: [
          { eventId: uuidv7(), venueId: VENUES[device], at: at.toISOString(), method: 'presentation', token },
        ],
      },
    });
  const investigate = async (venue: number): Promise<Contact[]> => (await investigation(venue)).contacts;
  const investigation = async (venue: number): Promise<{ contacts: Contact[]; unopened: number }> => {
    const now = Date.now();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/investigations',
      headers: { authorization: `Bearer ${investigator}` },
      payload: {
        venueId: VENUES[venue],
        from: new Date(now - 3_600_000).toISOString(),
        to: new Date(now + 60_000).toISOString(),
        reason: 'cluster 2026-412, a confirmed case ate here',
      },
    });
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  it('hands out a fresh batch of distinct single-use tokens for each day, each opening to the holder', async () => {
    const first = await get('/v1/me/checkin-tokens');
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-store');
    const { days } = first.json() as { days: { day: string; tokens: string[] }[] };
    const today = kstDay(Date.now());
    expect(days.map((d) => d.day)).toEqual(Array.from({ length: 7 }, (_, i) => dayIso(today + i)));
    const holder = await holderNumber(t.db, PERSON);
    const all = new Set<string>();
    for (const [i, { tokens }] of days.entries()) {
      expect(tokens).toHaveLength(128);
      for (const token of tokens) {
        all.add(token);
        const bytes = Buffer.from(token, 'base64url');
        expect(bytes).toHaveLength(16);
        expect(opener.openToken(bytes, today + i)?.holder).toBe(holder);
        // A day's token opens on that day only.
        expect(opener.openToken(bytes, today + i + 1)).toBeUndefined();
      }
    }
    expect(all.size).toBe(7 * 128);

    // Asking again gives new tokens, not the same batch again.
    const again = (await get('/v1/me/checkin-tokens')).json() as { days: { tokens: string[] }[] };
    expect(again.days.flatMap((d) => d.tokens).filter((token) => all.has(token))).toEqual([]);
    // The holder number is created once: asking again spends no new one.
    expect(await holderNumber(t.db, PERSON)).toBe(holder);
  });

  it('gives each presentation its own token; investigations open them all and flag a replayed one', async () => {
    const { days } = (await get('/v1/me/checkin-tokens')).json() as { days: { tokens: string[] }[] };
    const today = days[0]?.tokens as string[];
    const device = await generateDeviceKey();
    const publicKey = bytesToBase64url(await exportDevicePublicKey(device.publicKey));
    const { bindings } = (
      await app.inject({
        method: 'POST',
        url: '/v1/me/devices',
        headers: { authorization: `Bearer ${session}` },
        payload: { publicKey },
      })
    ).json() as { bindings: Record<string, string> };
    const certificates = (await get('/v1/me/certificates')).json().certificates as {
      id: string;
      text: string;
    }[];
    const dcc = certificates.find((c) => c.id === `${PERSON}:dcc`) as { id: string; text: string };
    const trust = await DscTrustList.fromCertificates(
      (await publishedKeys(t.db, 'dsc', new Date())).map((k) => ({ der: k.certificate as Uint8Array })),
    );

    // Three visits in one day, one QR each, as the wallet draws them; the scanner stores the token it reads.
    const seen: string[] = [];
    for (const [venue, token] of today.slice(0, 3).entries()) {
      const text = await createPresentation({
        certificate: dcc.text,
        binding: Buffer.from(bindings[dcc.id] as string, 'base64'),
        deviceKey: device.privateKey,
        now: new Date(),
        token: Buffer.from(token, 'base64url'),
      });
      const report = await verifyPresentation(text, trust, { now: new Date() });
      expect(report.verdict).toBe('valid');
      const read = report.presentation?.token as string;
      expect(read).toBe(token);
      seen.push(read);
      expect((await checkIn(venue, read)).json().accepted).toHaveLength(1);
    }

    // No two entries of the holder share a token.
    const { rows } = await t.db.query<{ token: string }>(
      `SELECT encode(token, 'hex') AS token FROM checkins WHERE token IS NOT NULL`,
    );
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.token)).size).toBe(3);

    // Every venue's investigation finds the holder, each through a token seen once.
    for (const venue of [0, 1, 2]) {
      const contacts = await investigate(venue);
      expect(contacts.map((c) => [c.personId, c.tokenEntries])).toEqual([[PERSON, 1]]);
    }

    // A device at venue 2 replays the token it could have seen at venue 0: the holder appears at venue 2 a second
    // time, and both investigations show that this token was recorded twice.
    expect((await checkIn(2, seen[0] as string)).json().accepted).toHaveLength(1);
    const atTwo = await investigate(2);
    expect(atTwo.map((c) => c.tokenEntries).sort()).toEqual([1, 2]);
    expect((await investigate(0)).map((c) => [c.personId, c.tokenEntries])).toEqual([[PERSON, 2]]);

    // A token of another person and a random token: one opens to that person, the other to nobody.
    const other = await holderNumber(t.db, OTHER);
    // The holder's several token answers spent no numbers of the sequence: the next person got the next number.
    expect(other).toBe((await holderNumber(t.db, PERSON)) + 1n);
    const otherToken = bytesToBase64url(opener.mint(other, kstDay(Date.now()), 5));
    expect((await checkIn(1, otherToken)).json().accepted).toHaveLength(1);
    expect((await checkIn(1, bytesToBase64url(randomBytes(16)))).json().accepted).toHaveLength(1);
    const atOne = await investigate(1);
    expect(atOne.map((c) => c.personId).sort()).toEqual([PERSON, OTHER].sort());
  });

  it("opens a token of the day before or after the entry's day (midnight between wallet and scanner), no further", async () => {
    const other = await holderNumber(t.db, OTHER);
    const today = kstDay(Date.now());
    const before = await investigation(0);
    for (const day of [today - 1, today + 1, today - 2, today + 2]) {
      expect((await checkIn(0, bytesToBase64url(opener.mint(other, day, 9)))).json().accepted).toHaveLength(
        1,
      );
    }
    const after = await investigation(0);
    const added = after.contacts.filter((c) => c.personId === OTHER);
    expect(added).toHaveLength(before.contacts.filter((c) => c.personId === OTHER).length + 2);
    expect(after.unopened).toBe(before.unopened + 2);
  });
});
