export type { JWK } from 'jose';
export type {
  BundleContents,
  BundleKind,
  RulesContent,
  ShcDirectory,
  TrustListCertificate,
  TrustListContent,
} from './bundle/contents.ts';
export { BUNDLE_KINDS } from './bundle/contents.ts';
export type {
  BundleInForce,
  BundlePayload,
  BundleSigningKey,
  VerifyBundleOptions,
} from './bundle/signed.ts';
export {
  BUNDLE_TYP,
  BundleSlot,
  bundleDigest,
  bundleSigningKey,
  signBundle,
  verifyBundle,
} from './bundle/signed.ts';
export { cborDecode, cborEncode } from './cbor/cbor.ts';
export type { CheckinEntry, CheckinMethod } from './checkin/entry.ts';
export { CHECKIN_METHODS, checkinEntry } from './checkin/entry.ts';
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
export { base64urlToBytes, bytesToBase64url } from './encoding/base64url.ts';
export { base64ToBytes, bytesToBase64, bytesToHex, hexToBytes } from './encoding/bytes.ts';
export type {
  BundleErrorCode,
  CborErrorCode,
  CodecErrorCode,
  CodecErrorFamily,
  CompressionErrorCode,
  CoseErrorCode,
  CwtErrorCode,
  EncodingErrorCode,
  ErrorCodeOf,
  ErrorFamily,
  GreenlightErrorCode,
  HcertErrorCode,
  InputErrorCode,
  JwsErrorCode,
  PresentationErrorCode,
  QrErrorCode,
  ReportErrorCode,
  RevocationErrorCode,
  ShcErrorCode,
  ShcWarningCode,
  TrustErrorCode,
  X509ErrorCode,
} from './errors.ts';
export {
  BUNDLE_ERROR_CODES,
  CBOR_ERROR_CODES,
  CODEC_ERROR_CODES,
  COMPRESSION_ERROR_CODES,
  COSE_ERROR_CODES,
  CWT_ERROR_CODES,
  ENCODING_ERROR_CODES,
  GreenlightError,
  HCERT_ERROR_CODES,
  INPUT_ERROR_CODES,
  isGreenlightError,
  JWS_ERROR_CODES,
  PRESENTATION_ERROR_CODES,
  QR_ERROR_CODES,
  REPORT_ERROR_CODES,
  REVOCATION_ERROR_CODES,
  SHC_ERROR_CODES,
  SHC_WARNING_CODES,
  TRUST_ERROR_CODES,
  X509_ERROR_CODES,
} from './errors.ts';
export { jwkThumbprint } from './jwk/thumbprint.ts';
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
export type { QrEcLevel, QrProfile, QrSymbol, QrWriteOptions, WasmSource } from './qr/zxing.ts';
export {
  configureQrReader,
  configureQrWriter,
  qrPng,
  qrProfile,
  qrSvg,
  qrSymbolOf,
  readQrImage,
  readQrSymbols,
} from './qr/zxing.ts';
export type {
  CertificateType,
  ClinicalSummary,
  CredentialFormat,
  HolderSummary,
  SignerSummary,
  VerificationReport,
  VerificationStep,
} from './report.ts';
export { failedStep, INTERNAL_ERROR_CODE } from './report.ts';
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
  MAX_QR_CHUNK_JWS,
  MAX_QR_VERSION,
  MAX_SINGLE_QR_JWS,
  parseShcClaims,
  shcQrSymbolWarnings,
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
export type { RevocationStatus, ShcCrl, ShcCrlProblemCode, ShcIssuer, ShcJwk } from './shc/trust.ts';
export { checkIssuerKey, crlProblem, parseShcCrl, revocationStatus, ShcTrustStore } from './shc/trust.ts';
export { checkX5c } from './shc/x5c.ts';
export type { Dsc, EkuPolicy } from './x509/dsc.ts';
export { computeKid, DCC_EKU, dscMaySign, parseDsc } from './x509/dsc.ts';
