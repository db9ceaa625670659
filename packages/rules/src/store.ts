/** The rules an app has in force: a signed rules bundle replaces them only when it verifies and its policy is valid. */
import { BundleSlot, type GreenlightError } from '@greenlight/codec';
import { type Policy, parsePolicy } from './policy.ts';

/** The publication public keys (JWKs with kid), in the shape the codec's bundle verifier takes. */
export type PublicationKeys = ConstructorParameters<typeof BundleSlot>[1];

export class RulesStore {
  readonly #slot: BundleSlot<Policy>;

  /** `trustedKeys`: the publication public keys (JWKs with kid) that may sign rules bundles. */
  constructor(trustedKeys: PublicationKeys) {
    this.#slot = new BundleSlot<Policy>('rules', trustedKeys, parsePolicy);
  }

  /** The policy in force, or undefined before the first good bundle. */
  get policy(): Policy | undefined {
    return this.#slot.current?.value;
  }

  get version(): number | undefined {
    return this.#slot.current?.version;
  }

  get issuedAt(): string | undefined {
    return this.#slot.current?.issuedAt;
  }

  /**
   * Offers a bundle file. It replaces the policy in force only when it is a signed `rules` bundle from a trusted key,
   * newer than the one in force, whose policy passes `parsePolicy`; otherwise the previous good policy stays in force
   * and the error (ERR_BUNDLE_* or ERR_RULES_*) is returned.
   */
  offer(bytes: Uint8Array): Promise<{ accepted: true } | { accepted: false; error: GreenlightError }> {
    return this.#slot.offer(bytes);
  }
}
