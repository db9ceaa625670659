/**
 * The verified payloads of the three signed bundles (docs/bundles.md) in the shape `decide()` takes, each with its
 * signed `issuedAt`: one way for the apps, the CLI and the server to turn what they verified into bundles in force.
 */
import {
  type BundlePayload,
  DscTrustList,
  type RevocationContent,
  RevocationList,
  ShcTrustStore,
  type TrustListContent,
} from '@greenlight/codec';
import { parsePolicy } from '../policy.ts';
import type { DecisionBundles } from './types.ts';

/** Verified bundle payloads, by kind; a kind that is absent is left out of the result (and `decide()` says so). */
export interface VerifiedBundlePayloads {
  'trust-list'?: BundlePayload<TrustListContent> | undefined;
  rules?: BundlePayload<unknown> | undefined;
  revocation?: BundlePayload<RevocationContent> | undefined;
}

/**
 * Builds the trust list (DSCs, and the SHC issuers of its `shcDirectory`), the policy and the revocation list from
 * verified payloads. Throws what their parsers throw (ERR_TRUST_LIST_SHAPE, ERR_SHC_DIRECTORY_FORMAT, ERR_RULES_*,
 * ERR_REVOCATION_FORMAT) for content that does not parse as its kind.
 */
export async function decisionBundlesFrom(payloads: VerifiedBundlePayloads): Promise<DecisionBundles> {
  const bundles: DecisionBundles = {};
  const trustList = payloads['trust-list'];
  if (trustList) {
    const { content, issuedAt } = trustList;
    bundles.trust = { value: await DscTrustList.fromGatewayJson(content), issuedAt };
    bundles.shc = {
      value: content.shcDirectory ? ShcTrustStore.fromVciSnapshot(content.shcDirectory) : new ShcTrustStore(),
      issuedAt,
    };
  }
  if (payloads.rules) {
    bundles.rules = { value: parsePolicy(payloads.rules.content), issuedAt: payloads.rules.issuedAt };
  }
  if (payloads.revocation) {
    bundles.revocation = {
      value: RevocationList.fromContent(payloads.revocation.content),
      issuedAt: payloads.revocation.issuedAt,
    };
  }
  return bundles;
}
