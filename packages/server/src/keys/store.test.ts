import 'reflect-metadata';
import { DscTrustList, encodeHc1, parseDsc, verifyHc1 } from '@greenlight/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { buildApp } from '../app.ts';
import { DCC_EXTENDED_KEY_USAGES } from './certificates.ts';
import { seal, unseal } from './sealed.ts';
import { KeyStore, publishedKeys } from './store.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';

describe('sealed private keys', () => {
  it('round-trips, and refuses a wrong secret or another row', async () => {
    const sealed = await seal(new Uint8Array([1, 2, 3]), SECRET, 'row-1');
    expect(await unseal(sealed, SECRET, 'row-1')).toEqual(new Uint8Array([1, 2, 3]));
    await expect(unseal(sealed, `${SECRET}x`, 'row-1')).rejects.toMatchObject({ code: 'ERR_KEY_DECRYPT' });
    await expect(unseal(sealed, SECRET, 'row-2')).rejects.toMatchObject({ code: 'ERR_KEY_DECRYPT' });
    await expect(unseal(new Uint8Array(10), SECRET, 'row-1')).rejects.toMatchObject({
      code: 'ERR_KEY_DECRYPT',
    });
  });
});

describe.each(DB_KINDS)('key store (%s)', (kind) => {
  let t: TestDb;
  let clock = new Date('2026-03-01T00:00:00Z');
  const now = () => clock;
  let store: KeyStore;
  beforeAll(async () => {
    t = await testDb(kind);
    store = new KeyStore(t.db, { secret: SECRET, now });
  });
  afterAll(async () => {
    await t?.release();
  });

  it('creates a CSCA, a DSC with the DCC extended key usages, and an SHC key, once', async () => {
    const created = await store.ensure();
    expect(created.map((key) => key.kind)).toEqual(['csca', 'dsc', 'shc']);
    expect(await store.ensure()).toEqual([]);
    const dsc = created[1];
    const parsed = await parseDsc(dsc?.certificate as Uint8Array);
    expect(parsed.extendedKeyUsages).toEqual(expect.arrayContaining(DCC_EXTENDED_KEY_USAGES));
    const { rows } = await t.db.query<{ private_key: Uint8Array }>('SELECT private_key FROM keys');
    for (const row of rows) expect(new Uint8Array(row.private_key)[0]).toBe(1); // sealed, v1
  });

  it('signs with the DSC that the published trust list verifies', async () => {
    const app = await buildApp({ db: t.db, closeDb: false, logger: false, now });
    const trustJson = (await app.inject('/v1/trust/dscs')).json();
    await app.close();
    const signer = await store.signingDsc();
    const hc1 = await encodeHc1(
      {
        ver: '1.3.0',
        nam: { fn: 'Kim', fnt: 'KIM', gn: 'Minji', gnt: 'MINJI' },
        dob: '1990-01-01',
        v: [
          {
            tg: '840539006',
            vp: '1119349007',
            mp: 'EU/1/20/1528',
            ma: 'ORG-100030215',
            dn: 2,
            sd: 2,
            dt: '2021-10-01',
            co: 'KR',
            is: 'Greenlight test',
            ci: 'URN:UVCI:01:KR:TEST1#1',
          },
        ],
      },
      {
        signer: { kid: signer.kidBytes, alg: 'ES256', privateKey: signer.privateKey },
        issuer: 'KR',
        issuedAt: clock,
        expiresAt: new Date(clock.getTime() + 86_400_000),
      },
    );
    const report = await verifyHc1(hc1, await DscTrustList.fromGatewayJson(trustJson), { now: clock });
    expect(report.verdict).toBe('valid');
  });

  it('publishes a rotated DSC at once but signs with it only after the lead time', async () => {
    const before = await store.signingDsc();
    const rotated = await store.rotate('dsc', { leadHours: 48 });
    expect((await publishedKeys(t.db, 'dsc', clock)).map((key) => key.kid)).toEqual([
      before.record.kid,
      rotated.kid,
    ]);
    expect((await store.signingDsc()).record.kid).toBe(before.record.kid);
    clock = new Date(clock.getTime() + 48 * 3_600_000);
    expect((await store.signingDsc()).record.kid).toBe(rotated.kid);
    const { rows } = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'key.create.dsc'",
    );
    expect(rows[0]?.n).toBe(2);
  });

  it('rotates the SHC key the same way and serves its JWKS', async () => {
    const current = await store.signingShcKey();
    const rotated = await store.rotate('shc', { leadHours: 1 });
    expect((await store.signingShcKey()).kid).toBe(current.kid);
    const app = await buildApp({ db: t.db, closeDb: false, logger: false, now });
    const jwks = (await app.inject('/.well-known/jwks.json')).json();
    await app.close();
    expect(jwks.keys.map((key: { kid: string }) => key.kid)).toEqual([current.kid, rotated.kid]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('refuses to use keys under another secret', async () => {
    const wrong = new KeyStore(t.db, { secret: `${SECRET}-other`, now });
    await expect(wrong.signingDsc()).rejects.toMatchObject({ code: 'ERR_KEY_DECRYPT' });
  });
});
