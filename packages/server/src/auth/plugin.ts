/**
 * Authentication for every route, one preHandler per kind of caller: holder sessions, staff tokens (by role),
 * venue devices and partner clients (with their quota). Each sets a typed request decoration
 * (`request.holder`, `request.staff`, `request.device`, `request.partner`) that the route then reads.
 */
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { ServerError } from '../errors.ts';
import { DeviceAuthenticator, type VenueDevice } from './devices.ts';
import { type HolderSession, verifyHolderSession } from './holders.ts';
import { type PartnerClient, verifyPartnerToken } from './partners.ts';
import type { QuotaCounter } from './quota.ts';
import { authenticateStaff, type StaffMember, type StaffRole } from './staff.ts';

export interface AuthPluginOptions {
  /** Signs and checks partner access tokens: the server's key secret (authority only). */
  partnerSecret?: string;
  /** Per-partner calls a minute (authority only). */
  quota?: QuotaCounter;
}

export interface Authenticators {
  /** A valid holder session (401 ERR_UNAUTHORIZED). */
  holder: preHandlerAsyncHookHandler;
  /** A staff token with one of `roles` (401 ERR_STAFF_UNAUTHORIZED, 403 ERR_FORBIDDEN). */
  staff(roles: readonly StaffRole[]): preHandlerAsyncHookHandler;
  /** A venue device credential (401 ERR_DEVICE_UNAUTHORIZED). */
  device: preHandlerAsyncHookHandler;
  /** A partner access token within its quota (401 ERR_INVALID_TOKEN, 429 ERR_QUOTA_EXCEEDED). */
  partner: preHandlerAsyncHookHandler;
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: Authenticators;
  }
  // Set by the matching preHandler of `app.authenticate`; read only in routes that use it.
  interface FastifyRequest {
    holder: HolderSession;
    staff: StaffMember;
    device: VenueDevice;
    partner: PartnerClient;
  }
}

async function authPlugin(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const devices = new DeviceAuthenticator(app.db);
  // Null until the route's preHandler sets it (a decoration must be declared before requests, with a value).
  const unset = null as never;
  app.decorateRequest('holder', unset);
  app.decorateRequest('staff', unset);
  app.decorateRequest('device', unset);
  app.decorateRequest('partner', unset);

  app.decorate('authenticate', {
    async holder(request) {
      request.holder = await verifyHolderSession(app.db, request.headers.authorization, app.now());
    },
    staff(roles) {
      return async (request) => {
        request.staff = await authenticateStaff(app.db, request.headers.authorization, roles);
      };
    },
    async device(request) {
      request.device = await devices.authenticate(request.headers.authorization);
    },
    async partner(request) {
      const { partnerSecret, quota } = options;
      if (partnerSecret === undefined || quota === undefined) {
        throw new ServerError('ERR_INTERNAL', 'partner authentication is not configured');
      }
      const partner = await verifyPartnerToken(
        app.db,
        partnerSecret,
        request.headers.authorization,
        app.now(),
      );
      const count = await quota.hit(partner.id, app.now());
      if (count > partner.quotaPerMinute) {
        throw new ServerError(
          'ERR_QUOTA_EXCEEDED',
          `over the quota of ${partner.quotaPerMinute} calls a minute`,
          {
            retryAfter: 60 - (Math.floor(app.now().getTime() / 1000) % 60),
          },
        );
      }
      request.partner = partner;
    },
  } satisfies Authenticators);
}

export const auth = fp(authPlugin, { name: 'greenlight-auth', dependencies: ['greenlight-db'] });
