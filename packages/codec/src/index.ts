export type { JWK } from 'jose';
export type {
  BundleInForce,
  BundleKind,
  BundlePayload,
  BundleSigningKey,
  VerifyBundleOptions,
} from './bundle/signed.ts';
export {
  BUNDLE_KINDS,
  BUNDLE_TYP,
  BundleSlot,
  bundleDigest,
  bundleSigningKey,
  signBundle,
  verifyBundle,
} from './bundle/signed.ts';
export { cborDecode, cborEncode } from './cbor/cbor.ts';
export { zlibDeflate, zlibInflate } from './compression/zlib.ts';
export type { CoseAlg, CoseSign1, CoseSigner } from './cose/sign1.ts';
export { COSE_ALG, parseCoseSign1, signCoseSign1, verifyCoseSign1 } from './cose/sign1.ts';
export type { HcertClaims } from './cwt/claims.ts';
export { parseHcertClaims } from './cwt/claims.ts';
export type { ConformanceOptions, ConformanceStep, Observed } from './dcc/conformance.ts';
export {
  CONFORMANCE_STEPS,
  conformanceMismatches,
  observeConformanceFile,
  parseSuiteTime,
} from './dcc/conformance.ts';
export type { DecodedHc1, EncodeHc1Options, Hc1Signer, VerifyHc1Options } from './dcc/hc1.ts';
export { decodeHc1, encodeHc1, HC1_PREFIX, unprefixHc1, verifyHc1, verifyHcertCose } from './dcc/hc1.ts';
export type { Hcert } from './dcc/hcert.ts';
export { hcertHolder, hcertType, personName } from './dcc/hcert.ts';
export type { SchemaSet } from './dcc/schema.ts';
export { pickSchemaVersion, validateHcertSchema } from './dcc/schema.ts';
export type { TrustedDsc } from './dcc/trust-list.ts';
export { DscTrustList } from './dcc/trust-list.ts';
export type { ValueSets } from './dcc/valuesets.ts';
export { valueSetProblems, valueSetsFromFiles } from './dcc/valuesets.ts';
export { base45Decode, base45Encode } from './encoding/base45.ts';
export { base64ToBytes, bytesToBase64, bytesToHex, hexToBytes } from './encoding/bytes.ts';
export type { ErrorFamily } from './errors.ts';
export { GreenlightError, isGreenlightError } from './errors.ts';
export type { ParsedJws } from './jws/compact.ts';
export {
  inflatePayload,
  MAX_INFLATED_BYTES,
  parseCompactJws,
  verifyCompactJwsSignature,
} from './jws/compact.ts';
export type {
  DecodedPresentation,
  DeviceBindingInput,
  PresentationInput,
  VerifyPresentationOptions,
} from './presentation/glp1.ts';
export {
  certificateHash,
  createPresentation,
  decodePresentation,
  exportDevicePublicKey,
  generateDeviceKey,
  hc1CoseBytes,
  PRESENTATION_PREFIX,
  SLOT_SECONDS,
  signDeviceBinding,
  slotAt,
  verifyPresentation,
} from './presentation/glp1.ts';
export { configureSvgRasterizer, isSvg, svgToPng } from './qr/svg.ts';
export type { WasmSource } from './qr/zxing.ts';
export { configureQrReader, configureQrWriter, qrPng, qrSvg, readQrImage } from './qr/zxing.ts';
export type {
  CertificateType,
  ClinicalSummary,
  CredentialFormat,
  HolderSummary,
  SignerSummary,
  VerificationReport,
  VerificationStep,
} from './report.ts';
export type {
  RevocationCheck,
  RevocationContent,
  RevocationHashType,
  RevocationPartition,
} from './revocation/dcc.ts';
export {
  buildRevocationPartition,
  hcertUci,
  REVOCATION_HASH_TYPES,
  RevocationList,
  revocationHashes,
} from './revocation/dcc.ts';
export type { ExtractedShc, ShcClaims, ShcForm, VerifyShcOptions } from './shc/card.ts';
export {
  extractShcJws,
  HEALTH_CARD_TYPE,
  MAX_SINGLE_QR_JWS,
  parseShcClaims,
  verifyShc,
  verifyShcText,
} from './shc/card.ts';
export type { FhirBundleCheck } from './shc/fhir.ts';
export { checkFhirBundle, minimizeFhirBundle } from './shc/fhir.ts';
export type { ShcCardInput, ShcSigningKey } from './shc/issue.ts';
export {
  crlDocument,
  generateShcSigningKey,
  IMMUNIZATION_TYPE,
  jwksDocument,
  shcQrText,
  shcSigningKeyFromJwk,
  signShc,
} from './shc/issue.ts';
export type { ShcChunk } from './shc/numeric.ts';
export { jwsToNumeric, numericToJws, parseShcQrText, shcNumeric, shcQrToJws } from './shc/numeric.ts';
export type { RevocationStatus, ShcCrl, ShcIssuer, ShcJwk } from './shc/trust.ts';
export { checkIssuerKey, parseShcCrl, revocationStatus, ShcTrustStore } from './shc/trust.ts';
export { checkX5c } from './shc/x5c.ts';
export type { Dsc, EkuPolicy } from './x509/dsc.ts';
export { computeKid, DCC_EKU, dscMaySign, parseDsc } from './x509/dsc.ts';
