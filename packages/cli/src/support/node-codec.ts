/**
 * Kept only for the server tests and the end-to-end tests that still import this path; the codec's Node entry is
 * `@greenlight/codec/node`. Delete once they import that instead.
 */
export {
  configureNodeQr,
  dccReferenceOptions,
  loadDccSchemas,
  loadDccValueSets,
} from '@greenlight/codec/node';
