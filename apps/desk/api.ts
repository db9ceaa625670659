/** Every HTTP call the desk makes, with the staff credential; a refusal comes back as a DeskError with its reasons. */
import { openPdf, RefusedError } from '../shared/pdf';

/** A reason a server guard gives (from decide()): a stable code and plain words per language. */
export interface Reason {
  code: string;
  text: Record<string, string>;
}

export interface Certificate {
  id: string;
  kind: string;
  issuedAt: string;
  revoked: boolean;
  generation: number;
}

export interface Person {
  id: string;
  name: string;
  birthDate: string;
  certificates: Certificate[];
}

export interface Outage {
  id: string;
  startedAt: string;
  endedAt: string | null;
  source: 'probe' | 'staff';
  reason: string;
}

/** A refused request: the server's code (for choosing the words, never shown) and the reasons it gave. */
export class DeskError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly reasons: Reason[] = [],
  ) {
    super(message);
    this.name = 'DeskError';
  }
}

async function call<R>(path: string, token: string, body?: unknown): Promise<R> {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json().catch(() => ({}))) as R & {
    message?: string;
    code?: string;
    reasons?: Reason[];
  };
  if (!response.ok) {
    throw new DeskError(
      json.code ?? `HTTP_${response.status}`,
      json.message ?? `HTTP ${response.status}`,
      json.reasons ?? [],
    );
  }
  return json;
}

const person = (id: string) => `/v1/registry/people/${encodeURIComponent(id)}`;

export const searchPeople = (token: string, query: string) =>
  call<{ people: Person[] }>(`/v1/registry/people?q=${encodeURIComponent(query)}`, token);

export const outageLog = (token: string) => call<{ outages: Outage[] }>('/v1/outages/log', token);

/** Opens the person's paper pass; a revoked, expired or invalid certificate throws ERR_PASS_NOT_PRINTABLE. */
export async function printPass(token: string, personId: string): Promise<void> {
  try {
    await openPdf(`${person(personId)}/pass.pdf`, token);
  } catch (error) {
    if (error instanceof RefusedError)
      throw new DeskError('ERR_PASS_NOT_PRINTABLE', error.message, error.reasons);
    throw error;
  }
}

/** Signs the person's certificate again (new identifiers); refused when the current one is still good. */
export const reissue = (token: string, personId: string) =>
  call<{ generation: number; certificates: string[]; reasons: Reason[] }>(
    `${person(personId)}/reissue`,
    token,
    {},
  );

/** Records a sticker; `replace` with a reason replaces the one already recorded for this certificate. */
export const recordSticker = (token: string, personId: string, replace?: { reason: string }) =>
  call<{ id: string; issuedAt: string; generation: number }>(
    `${person(personId)}/stickers`,
    token,
    replace ? { replace: true, reason: replace.reason } : {},
  );

export const revoke = (token: string, certificateId: string, reason: string) =>
  call<{ certificates: string[] }>(`/v1/certificates/${certificateId}/revoke`, token, { reason });
