export type { JWK } from 'jose';
export type {
  BundleContents,
  BundleKind,
  RulesContent,
  ShcDirectory,
  TrustListCertificate,
  TrustListContent,
} from './bundle/contents';
export { BUNDLE_KINDS } from './bundle/contents';
export type {
  BundleInForce,
  BundlePayload,
  BundleSigningKey,
  VerifyBundleOptions,
} from './bundle/signed';
export {
  BUNDLE_TYP,
  BundleSlot,
  bundleDigest,
  bundleSigningKey,
  signBundle,
  verifyBundle,
} from './bundle/signed';
export { cborDecode, cborEncode } from './cbor/cbor';
export type { CheckinEntry, CheckinMethod } from './checkin/entry';
export { CHECKIN_METHODS, checkinEntry } from './checkin/entry';
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
export { base64urlToBytes, bytesToBase64url } from './encoding/base64url';
export { base64ToBytes, bytesToBase64, bytesToHex, hexToBytes } from './encoding/bytes';
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
} from './errors';
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
} from './errors';
export { jwkThumbprint } from './jwk/thumbprint';
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
export type { QrSymbol, WasmSource } from './qr/zxing';
export { configureQrReader, configureQrWriter, qrPng, qrSvg, readQrImage, readQrSymbols } from './qr/zxing';
export type {
  CertificateType,
  ClinicalSummary,
  CredentialFormat,
  HolderSummary,
  SignerSummary,
  VerificationReport,
  VerificationStep,
} from './report';
export { failedStep, INTERNAL_ERROR_CODE } from './report';
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
  MAX_QR_CHUNK_JWS,
  MAX_QR_VERSION,
  MAX_SINGLE_QR_JWS,
  parseShcClaims,
  shcQrSymbolWarnings,
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
export type { RevocationStatus, ShcCrl, ShcCrlProblemCode, ShcIssuer, ShcJwk } from './shc/trust';
export { checkIssuerKey, crlProblem, parseShcCrl, revocationStatus, ShcTrustStore } from './shc/trust';
export { checkX5c } from './shc/x5c';
export type { Dsc, EkuPolicy } from './x509/dsc';
export { computeKid, DCC_EKU, dscMaySign, parseDsc } from './x509/dsc';
