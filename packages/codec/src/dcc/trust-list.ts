/** The DSCs a DCC verifier trusts, indexed by kid; read from the DCC Gateway's trust-list shape. */
import { base64ToBytes, bytesToBase64 } from '../encoding/bytes.ts';
import { GreenlightError } from '../errors.ts';
import { computeKid, type Dsc, parseDsc } from '../x509/dsc.ts';

export interface TrustedDsc extends Dsc {
  kid: Uint8Array;
  /** Country from the trust list entry, else the certificate subject. */
  country: string | undefined;
}

export class DscTrustList {
  private readonly byKid = new Map<string, TrustedDsc[]>();

  private constructor(readonly entries: readonly TrustedDsc[]) {
    for (const entry of entries) {
      const key = bytesToBase64(entry.kid);
      const list = this.byKid.get(key) ?? [];
      list.push(entry);
      this.byKid.set(key, list);
    }
  }

  static async fromCertificates(entries: { der: Uint8Array; country?: string }[]): Promise<DscTrustList> {
    const parsed: TrustedDsc[] = [];
    for (const entry of entries) {
      const dsc = await parseDsc(entry.der);
      parsed.push({ ...dsc, kid: await computeKid(entry.der), country: entry.country ?? dsc.subjectCountry });
    }
    return new DscTrustList(parsed);
  }

  /** Gateway shape `{certificates: [{kid, country, rawData}]}` or a bare array of such entries. */
  static async fromGatewayJson(json: unknown): Promise<DscTrustList> {
    const list = Array.isArray(json) ? json : (json as { certificates?: unknown } | null)?.certificates;
    if (!Array.isArray(list)) {
      throw new GreenlightError(
        'trust',
        'ERR_TRUST_LIST_SHAPE',
        'trust list must be {certificates: [...]} or an array',
      );
    }
    const entries = list.map((item, index) => {
      const raw = (item as { rawData?: unknown } | null)?.rawData;
      if (typeof raw !== 'string') {
        throw new GreenlightError(
          'trust',
          'ERR_TRUST_LIST_SHAPE',
          `trust list entry ${index} has no rawData`,
          {
            details: { index },
          },
        );
      }
      const country = (item as { country?: unknown }).country;
      return { der: base64ToBytes(raw), ...(typeof country === 'string' ? { country } : {}) };
    });
    return DscTrustList.fromCertificates(entries);
  }

  /** Every trusted DSC with this kid: several may share one, and each must be tried. */
  candidates(kid: Uint8Array): readonly TrustedDsc[] {
    return this.candidatesByKid(bytesToBase64(kid));
  }

  /** The same, by the kid in base64 (as trust lists and reports write it). */
  candidatesByKid(kidBase64: string): readonly TrustedDsc[] {
    return this.byKid.get(kidBase64) ?? [];
  }
}
