/** Check-in tokens and holder numbers. */
export { holderNumber, holderTokens } from './holders.ts';
export { CheckinTokens, parseDayIso, TOKEN_BYTES } from './tokens.ts';
