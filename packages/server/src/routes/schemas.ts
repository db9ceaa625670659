/** Schemas shared by every route: the error body. */

import { Type } from 'typebox';
import { UUID_PATTERN } from '../db/uuid.ts';

export const ErrorBody = Type.Object(
  {
    code: Type.String({ pattern: '^ERR_[A-Z0-9_]+$' }),
    message: Type.String(),
    reasons: Type.Optional(
      Type.Array(Type.Object({ code: Type.String(), text: Type.Record(Type.String(), Type.String()) }), {
        description:
          "the decision's reasons, where a verdict refused the request (ERR_PASS_NOT_PRINTABLE, ERR_STICKER_NOT_ALLOWED)",
      }),
    ),
  },
  { $id: 'ErrorBody', description: 'Every error answer' },
);

export const errorResponse = (description: string) => ({ ...Type.Ref('ErrorBody'), description });

/** A UUID in its canonical text form (`db/uuid.ts`). Not `format: 'uuid'` alone, which also admits `urn:uuid:…`. */

export const Uuid = (options: { description?: string } = {}) =>
  Type.String({ format: 'uuid', pattern: `^${UUID_PATTERN}$`, ...options });

/** `<personId>:dcc` or `<personId>:shc` (the kinds a route takes). */
export const CertificateId = (kinds: readonly ('dcc' | 'shc')[]) =>
  Type.String({
    pattern: `^${UUID_PATTERN}:(${kinds.join('|')})$`,
    description: `<personId>:${kinds.join(' or ')}`,
  });

/** The years a moment of this system can fall in: PostgreSQL and PGlite read them alike, and none is absurd. */
const SANE_YEAR = '(19[7-9][0-9]|20[0-9][0-9])';

/** An RFC 3339 date-time with its offset (§5.6), in the years 1970 to 2099. */
export const DateTime = (options: { description?: string } = {}) =>
  Type.String({ format: 'date-time', pattern: `^${SANE_YEAR}-`, maxLength: 40, ...options });

/** An RFC 3339 full-date (§5.6), in the years 1970 to 2099. */
export const FullDate = (options: { description?: string } = {}) =>
  Type.String({ format: 'date', pattern: `^${SANE_YEAR}-[0-9]{2}-[0-9]{2}$`, ...options });

/** Free text a person writes (a reason): at least `minLength` characters that are not white space. */
export const Reason = (minLength: number, maxLength: number) =>
  Type.String({
    minLength,
    maxLength,
    pattern: `^(?:\\s*\\S){${minLength}}`,
    description: `at least ${minLength} characters other than spaces, at most ${maxLength} in all`,
  });

/**
 * The OpenAPI security schemes (`plugins/openapi.ts` declares them) and the requirement each kind of caller meets
 * (OpenAPI 3.1 §4.8.30): a route names the one its preHandler checks, so /docs can authorize it.
 */
export const SECURITY_SCHEMES = {
  holderSession: {
    type: 'http',
    scheme: 'bearer',
    description: 'A holder session from POST /v1/auth/otp/verify',
  },
  staffToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'st_<43 base64url characters>',
    description: 'A staff token; each operation says which roles it takes',
  },
  deviceCredential: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: '<deviceId>.<secret>',
    description: 'A venue device credential',
  },
  partnerOAuth: {
    type: 'oauth2',
    description: 'A partner access token from the client credentials grant (RFC 6749 §4.4)',
    flows: { clientCredentials: { tokenUrl: '/v1/oauth/token', scopes: {} } },
  },
  partnerClientBasic: {
    type: 'http',
    scheme: 'basic',
    description: 'The partner client id and secret at the token endpoint (RFC 6749 §2.3.1)',
  },
} as const;

type Requirement = Record<string, string[]>[];

export const security: Record<'holder' | 'staff' | 'device' | 'partner' | 'partnerClient', Requirement> = {
  holder: [{ holderSession: [] }],
  staff: [{ staffToken: [] }],
  device: [{ deviceCredential: [] }],
  partner: [{ partnerOAuth: [] }],
  /** The token endpoint: HTTP Basic, or the credentials in the body (the empty requirement). */
  partnerClient: [{ partnerClientBasic: [] }, {}],
};
