export type { JWK } from 'jose';
export type {
  BundleInForce,
  BundleKind,
  BundlePayload,
  BundleSigningKey,
  VerifyBundleOptions,
} from './bundle/signed';
export {
  BUNDLE_KINDS,
  BUNDLE_TYP,
  BundleSlot,
  bundleDigest,
  bundleSigningKey,
  signBundle,
  verifyBundle,
} from './bundle/signed';
export { cborDecode, cborEncode } from './cbor/cbor';
export { zlibDeflate, zlibInflate } from './compression/zlib';
export type { CoseAlg, CoseSign1, CoseSigner } from './cose/sign1';
export { COSE_ALG, parseCoseSign1, signCoseSign1, verifyCoseSign1 } from './cose/sign1';
export type { HcertClaims } from './cwt/claims';
export { parseHcertClaims } from './cwt/claims';
export type { ConformanceOptions, ConformanceStep, Observed } from './dcc/conformance';
export {
  CONFORMANCE_STEPS,
  conformanceMismatches,
  observeConformanceFile,
  parseSuiteTime,
} from './dcc/conformance';
export type { DecodedHc1, EncodeHc1Options, Hc1Signer, VerifyHc1Options } from './dcc/hc1';
export { decodeHc1, encodeHc1, HC1_PREFIX, unprefixHc1, verifyHc1, verifyHcertCose } from './dcc/hc1';
export type { Hcert } from './dcc/hcert';
export { hcertHolder, hcertType, personName } from './dcc/hcert';
export type { SchemaSet } from './dcc/schema';
export { pickSchemaVersion, validateHcertSchema } from './dcc/schema';
export type { TrustedDsc } from './dcc/trust-list';
export { DscTrustList } from './dcc/trust-list';
export type { ValueSets } from './dcc/valuesets';
export { valueSetProblems, valueSetsFromFiles } from './dcc/valuesets';
export { base45Decode, base45Encode } from './encoding/base45';
export { base64ToBytes, bytesToBase64, bytesToHex, hexToBytes } from './encoding/bytes';
export type { ErrorFamily } from './errors';
export { GreenlightError, isGreenlightError } from './errors';
export type { ParsedJws } from './jws/compact';
export {
  inflatePayload,
  MAX_INFLATED_BYTES,
  parseCompactJws,
  verifyCompactJwsSignature,
} from './jws/compact';
export type {
  DecodedPresentation,
  DeviceBindingInput,
  PresentationInput,
  VerifyPresentationOptions,
} from './presentation/glp1';
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
} from './presentation/glp1';
export { configureSvgRasterizer, isSvg, svgToPng } from './qr/svg';
export type { WasmSource } from './qr/zxing';
export { configureQrReader, configureQrWriter, qrPng, qrSvg, readQrImage } from './qr/zxing';
export type {
  CertificateType,
  ClinicalSummary,
  CredentialFormat,
  HolderSummary,
  SignerSummary,
  VerificationReport,
  VerificationStep,
} from './report';
export type {
  RevocationCheck,
  RevocationContent,
  RevocationHashType,
  RevocationPartition,
} from './revocation/dcc';
export {
  buildRevocationPartition,
  hcertUci,
  REVOCATION_HASH_TYPES,
  RevocationList,
  revocationHashes,
} from './revocation/dcc';
export type { ExtractedShc, ShcClaims, ShcForm, VerifyShcOptions } from './shc/card';
export {
  extractShcJws,
  HEALTH_CARD_TYPE,
  MAX_SINGLE_QR_JWS,
  parseShcClaims,
  verifyShc,
  verifyShcText,
} from './shc/card';
export type { FhirBundleCheck } from './shc/fhir';
export { checkFhirBundle, minimizeFhirBundle } from './shc/fhir';
export type { ShcCardInput, ShcSigningKey } from './shc/issue';
export {
  crlDocument,
  generateShcSigningKey,
  IMMUNIZATION_TYPE,
  jwksDocument,
  shcQrText,
  shcSigningKeyFromJwk,
  signShc,
} from './shc/issue';
export type { ShcChunk } from './shc/numeric';
export { jwsToNumeric, numericToJws, parseShcQrText, shcNumeric, shcQrToJws } from './shc/numeric';
export type { RevocationStatus, ShcCrl, ShcIssuer, ShcJwk } from './shc/trust';
export { checkIssuerKey, parseShcCrl, revocationStatus, ShcTrustStore } from './shc/trust';
export { checkX5c } from './shc/x5c';
export type { Dsc, EkuPolicy } from './x509/dsc';
export { computeKid, DCC_EKU, dscMaySign, parseDsc } from './x509/dsc';
