import type { RouteName } from '@tierdesk/core';
import { agentTicketRoutes } from './agent-tickets';
import { articleRoutes } from './articles';
import { policyRoutes } from './policies';
import type { RouteImpls } from './route.types';
import { supportRoutes } from './support';
import { ticketRoutes } from './tickets';

/** The implementation of every route of the contract; a missing one is a compile error. */
export const routeImpls: RouteImpls<RouteName> = {
  ...ticketRoutes,
  ...articleRoutes,
  ...agentTicketRoutes,
  ...policyRoutes,
  ...supportRoutes,
  async userStream(ctx) {
    if (ctx.identity === null) throw new Error('unreachable: the router authenticates stream routes');
    return { response: ctx.app.stream(ctx.request, ctx.identity) };
  },
  async agentStream(ctx) {
    if (ctx.identity === null) throw new Error('unreachable: the router authenticates stream routes');
    return { response: ctx.app.stream(ctx.request, ctx.identity) };
  },
};
