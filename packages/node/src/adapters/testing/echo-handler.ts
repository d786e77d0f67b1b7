import type { FetchHandler } from '../node-exchange';

/** What {@link echoHandler} answers: everything the handler saw of the request. */
export interface EchoedRequest {
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly query: Array<[string, string]>;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly remoteAddress: string | undefined;
}

/**
 * A fixture handler: `/v1/...` paths echo the request back as JSON (HEAD and GET alike), anything
 * else gets Tierdesk's 404 `not_found`, as the real router does for paths it does not own;
 * `/v1/missing/...` is a 404 inside the namespace (a missing ticket).
 */
export const echoHandler: FetchHandler = async (request, context) => {
  const url = new URL(request.url);
  if (!url.pathname.startsWith('/v1/')) {
    return Response.json({ error: { code: 'not_found', message: 'No such route' } }, { status: 404 });
  }
  if (url.pathname.startsWith('/v1/missing/')) {
    return Response.json({ error: { code: 'not_found', message: 'No such ticket' } }, { status: 404 });
  }
  const echoed: EchoedRequest = {
    method: request.method,
    url: request.url,
    path: url.pathname,
    query: [...url.searchParams],
    headers: Object.fromEntries(request.headers),
    body: request.body === null ? '' : await request.text(),
    remoteAddress: context?.remoteAddress,
  };
  return Response.json(echoed, { headers: { 'x-echo': 'yes' } });
};
