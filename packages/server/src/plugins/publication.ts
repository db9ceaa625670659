/**
 * The signed bundles in memory: published at start and every `refreshSeconds`, so that the lunchtime crowd of
 * scanners never reaches the database. Decorates `app.republish` (after a revocation or a key rotation) and
 * `app.publication` (what the bundle routes serve).
 */
import { BUNDLE_KINDS, type BundleKind, type JWK, verifyBundle } from '@greenlight/codec';
import { type DecisionBundles, decisionBundlesFrom, type VerifiedBundlePayloads } from '@greenlight/rules';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { KeyStore } from '../keys/store.ts';
import { publicationKeys } from '../keys/store.ts';
import { bundleByDigest, type PublishedBundle, publish } from '../publication/publisher.ts';

export interface PublicationPluginOptions {
  keys: KeyStore;
  /** The SHC issuer URL of this authority (`iss`). */
  shcIssuer: string;
  /** How often the in-memory copy is refreshed from the database (default 30 s). */
  refreshSeconds?: number;
}

export type ServedBundle = PublishedBundle & { etag: string };

export interface Publication {
  /** The latest bundle of `kind`, published now if none is in memory yet. */
  latest(kind: BundleKind): Promise<ServedBundle | undefined>;
  /** A bundle at its content address: from memory when it is the latest, else from the database. */
  byDigest(kind: BundleKind, digest: string): Promise<PublishedBundle | undefined>;
  /** The publication public keys (JWKs) that apps pin. */
  keys(): Promise<{ keys: Record<string, unknown>[] }>;
  /**
   * The bundles in force in the shape `decide()` takes, verified with the publication keys as an app verifies
   * them: the server's own guards (the desk's print) decide with exactly what the scanners hold.
   */
  decisionBundles(): Promise<DecisionBundles>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Publishes what changed (after a revocation or a key rotation) and refreshes the served copies. */
    republish: () => Promise<void>;
    publication: Publication;
  }
}

async function publication(app: FastifyInstance, options: PublicationPluginOptions): Promise<void> {
  const served = new Map<BundleKind, ServedBundle>();
  let keys: { keys: Record<string, unknown>[] } = { keys: [] };
  // Rebuilt only when a served bundle changes (its digest), not on every call.
  let decision: { digests: string; bundles: Promise<DecisionBundles> } | undefined;

  const refresh = async () => {
    const latest = await publish(app.db, { keys: options.keys, shcIssuer: options.shcIssuer, now: app.now });
    for (const [kind, bundle] of latest) served.set(kind, { ...bundle, etag: `"${bundle.digest}"` });
    keys = await publicationKeys(app.db);
  };
  app.decorate('republish', refresh);
  app.decorate('publication', {
    async latest(kind) {
      if (!served.has(kind)) await refresh();
      return served.get(kind);
    },
    async byDigest(kind, digest) {
      const current = served.get(kind);
      return current?.digest === digest ? current : bundleByDigest(app.db, digest);
    },
    async keys() {
      if (keys.keys.length === 0) await refresh();
      return keys;
    },
    async decisionBundles() {
      if (served.size === 0 || keys.keys.length === 0) await refresh();
      const digests = BUNDLE_KINDS.map((kind) => served.get(kind)?.digest ?? '').join(',');
      if (decision?.digests !== digests) {
        const trusted = keys.keys as unknown as JWK[];
        const verified = async (kind: BundleKind) => {
          const bundle = served.get(kind);
          return bundle ? verifyBundle(bundle.bytes, trusted, { kind }) : undefined;
        };
        const bundles = (async () => {
          const payloads: VerifiedBundlePayloads = {};
          for (const kind of BUNDLE_KINDS) Object.assign(payloads, { [kind]: await verified(kind) });
          return decisionBundlesFrom(payloads);
        })();
        bundles.catch(() => {
          decision = undefined;
        });
        decision = { digests, bundles };
      }
      return decision.bundles;
    },
  } satisfies Publication);

  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    await refresh();
    timer = setInterval(
      () => {
        refresh().catch((error) =>
          app.log.warn({ err: error }, 'bundle refresh failed; serving the last good copies'),
        );
      },
      (options.refreshSeconds ?? 30) * 1000,
    );
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}

export const publicationPlugin = fp(publication, {
  name: 'greenlight-publication',
  dependencies: ['greenlight-db'],
});
