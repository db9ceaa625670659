/** Check-in tokens and holder numbers. */
export { holderNumber } from './holders';
export { base64url, CheckinTokens, dayIso, kstDay, parseDayIso, TOKEN_BYTES } from './tokens';
