/**
 * The widget's `getToken`: asks the app's own backend for an identity token for the signed-in user
 * and keeps it until shortly before it expires. The backend (server/widget-host.server.mjs) signs it
 * with the workspace's identity secret, which never reaches the browser.
 */
export function createSupportTokenSource(endpoint = '/api/support-token'): () => Promise<string> {
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  // Real time (performance.now), not Date.now, which follows the demo's faster clock.
  const fetchToken = async (): Promise<string> => {
    const response = await fetch(endpoint, { method: 'POST', credentials: 'same-origin' });
    if (!response.ok) throw new Error(`The support token endpoint answered ${response.status}`);
    const { token, refreshInMs } = (await response.json()) as { token: string; refreshInMs: number };
    cached = { token, refreshAt: performance.now() + refreshInMs };
    return token;
  };
  return () => {
    if (cached !== undefined && performance.now() < cached.refreshAt) return Promise.resolve(cached.token);
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
