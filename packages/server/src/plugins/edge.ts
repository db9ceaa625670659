/**
 * Validation at the edge, once for every route: no string with U+0000 and no non-finite number reaches a domain
 * module (PostgreSQL refuses NUL in text, and AJV lets a coerced `Infinity` past `maximum`); Fastify's own
 * refusals (bad percent-escapes, over-long parameters, broken connections) answer with documented codes; and every
 * operation documents the error answers that any route can give.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { ERRORS, ServerError, type ServerErrorCode } from '../errors.ts';
import { errorResponse } from '../routes/schemas.ts';

/** Where the first unsafe value in `value` is (`body/reason`), or undefined: a U+0000 or a non-finite number. */
export function unsafeValueAt(value: unknown, root: string): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [item, path] = stack.pop() as [unknown, string];
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return `${path} contains a NUL character`;
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) return `${path} is not a finite number`;
    } else if (Array.isArray(item)) {
      for (let index = 0; index < item.length; index++) stack.push([item[index], `${path}/${index}`]);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, entry] of Object.entries(item)) {
        if (key.includes('\u0000')) return `${path} has a key with a NUL character`;
        stack.push([entry, `${path}/${key}`]);
      }
    }
  }
  return undefined;
}

/**
 * A route's `config.itemsCheckedOneByOne`: the top-level body field whose list items the domain validates one by one,
 * answering each bad item on its own (the check-in batch: one bad entry is rejected in `rejected[]`, the rest are
 * stored). The edge check leaves that field to the domain and checks the rest of the request.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    itemsCheckedOneByOne?: string;
  }
}

/** Throws ERR_VALIDATION when a header, parameter, query value or body field is unsafe (see `unsafeValueAt`). */
export async function refuseUnsafeInput(request: FastifyRequest): Promise<void> {
  const perItem = request.routeOptions.config?.itemsCheckedOneByOne;
  let body = request.body;
  if (perItem && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const { [perItem]: _items, ...rest } = body as Record<string, unknown>;
    body = rest;
  }
  const problem =
    unsafeValueAt(request.headers, 'headers') ??
    unsafeValueAt(request.params, 'params') ??
    unsafeValueAt(request.query, 'querystring') ??
    unsafeValueAt(body, 'body');
  if (problem) throw new ServerError('ERR_VALIDATION', problem);
}

/** The code of an error that Fastify raises before a route runs (`frameworkErrors`). */
const FRAMEWORK_ERRORS: Record<string, ServerErrorCode> = {
  FST_ERR_BAD_URL: 'ERR_BAD_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'ERR_URI_TOO_LONG',
};

/** Fastify's `frameworkErrors` option: a bad URL or an over-long parameter in the usual error body. */
export function answerFrameworkError(
  error: Error & { code?: string },
  _request: unknown,
  reply: FastifyReply,
) {
  const code = FRAMEWORK_ERRORS[error.code ?? ''] ?? 'ERR_BAD_REQUEST';
  // No route matched, so no onRequest hook (helmet's) ran: the one header an error body needs.
  reply.header('x-content-type-options', 'nosniff');
  reply.status(ERRORS[code].status).send({ code, message: error.message });
}

/** Fastify's `clientErrorHandler` option: a request Node's HTTP parser refuses still gets a code. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ServerErrorCode =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'ERR_REQUEST_TIMEOUT'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 'ERR_HEADERS_TOO_LARGE'
        : 'ERR_BAD_REQUEST';
  const { status, message } = ERRORS[code];
  const body = JSON.stringify({ code, message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

type ResponseSchemas = Record<string, unknown>;

/** The error answers any operation can give, added to its OpenAPI responses where the route has not named them. */
export function documentEdgeErrors(route: RouteOptions): void {
  const schema = route.schema as
    | { hide?: boolean; response?: ResponseSchemas; security?: Record<string, string[]>[] }
    | undefined;
  if (!schema || schema.hide) return;
  schema.response ??= {};
  const response = schema.response;
  const add = (status: number, text: string) => {
    if (!(status in response) && !(String(status) in response)) response[status] = errorResponse(text);
  };
  const methods = [route.method].flat();
  add(400, 'ERR_VALIDATION, ERR_BAD_REQUEST or ERR_BAD_URL: the request is malformed');
  if (route.url.includes(':')) {
    add(404, 'ERR_NOT_FOUND');
    add(414, 'ERR_URI_TOO_LONG: a path parameter is over the length limit');
  }
  if (methods.some((method) => method !== 'GET' && method !== 'HEAD')) {
    add(413, 'ERR_PAYLOAD_TOO_LARGE');
    add(415, 'ERR_UNSUPPORTED_MEDIA_TYPE');
  }
  const schemes = new Set((schema.security ?? []).flatMap((requirement) => Object.keys(requirement)));
  if (schemes.size > 0) add(401, 'the credential is missing or not valid');
  if (schemes.has('staffToken')) add(403, 'ERR_FORBIDDEN: the staff token has another role');
  if (route.url !== '/healthz') add(503, 'ERR_DB_UNAVAILABLE, with Retry-After');
}

async function edge(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', documentEdgeErrors);
  // preHandler (after the schema's coercion, before the route's own preHandlers): what the handler will read.
  app.addHook('preHandler', refuseUnsafeInput);
}

/** Not encapsulated: the hooks apply to every route registered after it. */
export const edgePlugin = fp(edge, { name: 'greenlight-edge' });
