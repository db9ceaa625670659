/** The config reader's production mode: NODE_ENV in any case, no public secret, no seed or printed credential by default. */
import { describe, expect, it } from 'vitest';
import { DEV_KEY_SECRET, isProduction, readConfig } from './config.ts';

const OWN_SECRET = 'an operator secret of more than thirty-two characters';

describe('readConfig', () => {
  it('reads NODE_ENV=production without regard to case or surrounding spaces', () => {
    for (const value of ['production', 'Production', 'PRODUCTION', ' production ']) {
      expect(isProduction({ NODE_ENV: value }), value).toBe(true);
    }
    for (const value of [undefined, '', 'development', 'test', 'prod', 'productionx']) {
      expect(isProduction({ NODE_ENV: value }), String(value)).toBe(false);
    }
  });

  it('refuses to start in production without a secret or with a public one, saying what to do', () => {
    for (const NODE_ENV of ['production', 'Production']) {
      expect(() => readConfig({ NODE_ENV })).toThrow(/GREENLIGHT_KEY_SECRET is required/);
      for (const secret of [
        DEV_KEY_SECRET,
        'bench-secret-bench-secret-bench-secret-0',
        'a test secret that is long enough to derive a key',
      ]) {
        expect(() => readConfig({ NODE_ENV, GREENLIGHT_KEY_SECRET: secret })).toThrow(
          expect.objectContaining({ code: 'ERR_CONFIG', message: expect.stringMatching(/public secret/) }),
        );
      }
    }
    // Development keeps the documented demo behaviour: the public secret, with its warning, is allowed.
    expect(readConfig({ GREENLIGHT_KEY_SECRET: DEV_KEY_SECRET }).production).toBe(false);
    expect(readConfig({}).keySecretIsDevDefault).toBe(true);
  });

  it('seeds and prints demo credentials by default in development only', () => {
    const dev = readConfig({});
    expect([dev.production, dev.seed, dev.printCredentials]).toEqual([false, true, true]);
    expect(readConfig({ GREENLIGHT_SEED: '0' }).seed).toBe(false);
    const prod = readConfig({ NODE_ENV: 'Production', GREENLIGHT_KEY_SECRET: OWN_SECRET });
    expect([prod.production, prod.seed, prod.printCredentials]).toEqual([true, false, false]);
    const seeded = readConfig({
      NODE_ENV: 'production',
      GREENLIGHT_KEY_SECRET: OWN_SECRET,
      GREENLIGHT_SEED: '1',
    });
    expect([seeded.seed, seeded.printCredentials]).toEqual([true, false]);
    expect(() => readConfig({ GREENLIGHT_SEED: 'yes please' })).toThrow(/GREENLIGHT_SEED/);
  });

  it('takes a NATS name-safe deployment id, required with NATS in production', () => {
    expect(readConfig({ GREENLIGHT_DEPLOYMENT: 'kr-seoul_2' }).deployment).toBe('kr-seoul_2');
    expect(() => readConfig({ GREENLIGHT_DEPLOYMENT: 'kr.seoul' })).toThrow(/GREENLIGHT_DEPLOYMENT/);
    expect(() =>
      readConfig({
        NODE_ENV: 'production',
        GREENLIGHT_KEY_SECRET: OWN_SECRET,
        NATS_URL: 'nats://127.0.0.1:4222',
      }),
    ).toThrow(/GREENLIGHT_DEPLOYMENT is required/);
    expect(
      readConfig({
        NODE_ENV: 'production',
        GREENLIGHT_KEY_SECRET: OWN_SECRET,
        NATS_URL: 'nats://127.0.0.1:4222',
        GREENLIGHT_DEPLOYMENT: 'kr-prod',
      }).deployment,
    ).toBe('kr-prod');
  });
});
