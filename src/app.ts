/**
 * The HTTP application: the server of src/http with the plugins of this build. A new HTTP part
 * (an intake route, a page) is one HttpPlugin added to this list.
 */
import type { FastifyInstance } from 'fastify';
import { httpIntake } from '../connectors/http/index.ts';
import type { AppContext } from './context.ts';
import { buildHttpServer, type HttpPlugin } from './http/server.ts';
import { healthRoutes } from './monitor/health-routes.ts';
import { portal } from './portal/index.ts';
import type { LoginRateLimiter } from './review/auth.ts';
import { reviewErrorHandler } from './review/auth-routes.ts';
import { reviewRoutes } from './review/routes.ts';

export interface ServerOptions {
  /** The review sign-in's failed-login counter (tests give one with their own clock). */
  loginLimiter?: LoginRateLimiter;
}

/** Health and metrics, HTTP intake, the customer portal and the review workspace. */
export function httpPlugins(opts: ServerOptions = {}): HttpPlugin[] {
  return [
    {
      name: 'health',
      register: async (app, ctx) => {
        await app.register(healthRoutes, { ctx, details: 'operators' });
      },
    },
    httpIntake,
    portal,
    {
      name: 'review',
      register: async (app, ctx) => {
        await app.register(reviewRoutes, {
          ctx,
          ...(opts.loginLimiter ? { limiter: opts.loginLimiter } : {}),
        });
      },
      notFound: { prefix: '/review/', handler: reviewErrorHandler },
    },
  ];
}

/** The whole HTTP application on `ctx`, not listening yet (tests inject requests). */
export function buildServer(ctx: AppContext, opts: ServerOptions = {}): Promise<FastifyInstance> {
  return buildHttpServer(ctx, httpPlugins(opts));
}
