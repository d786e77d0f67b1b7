import { routes } from '@tierdesk/core';
import { describe, expect, it } from 'vitest';
import { routeHooks } from './route-hooks';

// The type `RouteHooks` already fails the build when a route lacks a hook; this checks the same at
// run time against the contract object itself.
describe('routeHooks', () => {
  it('has one hook for every JSON route of the contract, and none for the event streams', () => {
    const isStream = (route: (typeof routes)[keyof typeof routes]) =>
      route.stream === true || (route.method === 'GET' && route.response === undefined);
    const json = Object.entries(routes)
      .filter(([, route]) => !isStream(route))
      .map(([name]) => name);
    const streams = Object.entries(routes)
      .filter(([, route]) => isStream(route))
      .map(([name]) => name);
    expect(Object.keys(routeHooks).sort()).toEqual(json.sort());
    expect(streams.sort()).toEqual(['agentStream', 'userStream']);
    for (const hook of Object.values(routeHooks)) {
      expect(typeof hook).toBe('function');
      expect(hook.name).toMatch(/^use[A-Z]/);
    }
  });

  it('maps each route to a distinct hook', () => {
    expect(new Set(Object.values(routeHooks)).size).toBe(Object.keys(routeHooks).length);
  });
});
