import autocannon from 'autocannon';

/** One request autocannon sends; `next()` gives a new one for every request when set. */
export interface LoadRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What one load run measured. */
export interface LoadResult {
  /** Successful (2xx) responses per second over the whole run. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  /** Non-2xx answers and connection errors; a run with any is reported, never hidden. */
  failed: number;
  statuses: Record<string, number>;
  durationS: number;
}

/**
 * Drives `url` with `connections` concurrent keep-alive connections for `durationS` seconds, each
 * request built by `next()`. Throughput counts 2xx answers only, so a route that refuses cannot look fast.
 */
export async function runLoad(
  url: string,
  next: () => LoadRequest,
  { connections, durationS }: { connections: number; durationS: number },
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections,
    duration: durationS,
    pipelining: 1,
    timeout: 30,
    requests: [
      {
        setupRequest: (request) => {
          const r = next();
          return {
            ...request,
            method: r.method,
            path: r.path,
            headers: {
              ...(r.body === undefined ? {} : { 'content-type': 'application/json' }),
              ...r.headers,
            },
            ...(r.body === undefined ? {} : { body: r.body }),
          };
        },
      },
    ],
  });
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[code] = Number((stat as { count: number | string }).count);
  }
  const ok = result['2xx'];
  return {
    rps: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok,
    failed: result.non2xx + result.errors,
    statuses,
    durationS: result.duration,
  };
}

/** Sequential latency of one request at a time (no load): p50 and p99 in ms over `count` requests. */
export async function sequentialLatency(
  baseUrl: string,
  next: (i: number) => LoadRequest,
  count: number,
): Promise<{ p50Ms: number; p99Ms: number; samples: number[] }> {
  const samples: number[] = [];
  for (let i = -Math.min(20, count); i < count; i++) {
    const r = next(Math.max(0, i));
    const started = performance.now();
    const response = await fetch(`${baseUrl}${r.path}`, {
      method: r.method,
      headers: { ...(r.body === undefined ? {} : { 'content-type': 'application/json' }), ...r.headers },
      ...(r.body === undefined ? {} : { body: r.body }),
    });
    await response.arrayBuffer();
    const elapsed = performance.now() - started;
    if (!response.ok) throw new Error(`${r.method} ${r.path} answered ${response.status}`);
    if (i >= 0) samples.push(elapsed); // the first requests warm caches and connections
  }
  samples.sort((a, b) => a - b);
  const at = (p: number) =>
    samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)] as number;
  return { p50Ms: at(0.5), p99Ms: at(0.99), samples };
}
