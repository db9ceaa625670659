/** Check-in tokens and holder numbers. */
export { type DayTokens, holderNumber, holderTokens, TOKEN_DAYS, TOKENS_PER_DAY } from './holders.ts';
export {
  CheckinTokens,
  HOLDER_BITS,
  HOLDER_MAX,
  INDEX_BITS,
  INDEX_LIMIT,
  type OpenedToken,
  parseDayIso,
  TOKEN_BYTES,
} from './tokens.ts';
