/** Check-in tokens and holder numbers. */
export { holderNumber, holderTokens } from './holders';
export { CheckinTokens, parseDayIso, TOKEN_BYTES } from './tokens';
