/** The decide() vector format (test/vectors/decide/*.json) and the bundles a vector is checked against. */
import { DscTrustList, RevocationList, ShcTrustStore } from '@greenlight/codec';
import { loadBuiltinPolicy } from '../src/builtin.ts';
import type { DecisionBundles, DecisionContext, DecisionVerdict } from '../src/decide/types.ts';
import type { Verdict } from '../src/policy.ts';

export interface DecideVector {
  description: string;
  /** The check time, ISO 8601 UTC. */
  now: string;
  context: Omit<DecisionContext, 'now'>;
  credential: string;
  bundles: {
    /** The signed issuedAt of every bundle. */
    issuedAt: string;
    /** The trust-list bundle's content: Gateway-shaped DSCs and the SHC issuer directory. */
    trust: { certificates: { kid: string; country: string; rawData: string }[]; shcDirectory?: unknown };
    /** A built-in policy name. */
    rules: string;
    /** The revocation bundle's content, or null when the verifier has none. */
    revocation: { partitions: unknown[] } | null;
  };
  /** The verdict and every reason code in order (deciding first); `validity` for the holder's view. */
  expected: {
    verdict: DecisionVerdict;
    rulesVerdict?: Verdict;
    reasons: string[];
    validity?: { from?: string; until?: string };
  };
}

export async function bundlesFromVector(vector: DecideVector): Promise<DecisionBundles> {
  const { issuedAt, trust, rules, revocation } = vector.bundles;
  return {
    trust: { value: await DscTrustList.fromGatewayJson(trust), issuedAt },
    shc: {
      value: trust.shcDirectory ? ShcTrustStore.fromVciSnapshot(trust.shcDirectory) : new ShcTrustStore(),
      issuedAt,
    },
    rules: { value: loadBuiltinPolicy(rules), issuedAt },
    ...(revocation ? { revocation: { value: RevocationList.fromContent(revocation), issuedAt } } : {}),
  };
}
