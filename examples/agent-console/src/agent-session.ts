import { createLeanClient, TierdeskApiError, TierdeskNetworkError } from '@tierdesk/core/lean';

/** An agent signed in to the console: who, and the API key that authenticates them. */
export interface AgentSession {
  agentId: string;
  agentName: string;
  apiKey: string;
}

/** Why a sign-in was refused, in words for the login form. */
export class SignInError extends Error {
  override name = 'SignInError';
}

const STORAGE_KEY = 'tierdesk-console-session';

/**
 * Checks an agent's API key against the Tierdesk API (the workspace's agent list answers only to a
 * valid key) and that the agent id is one of that workspace's agents.
 */
export async function signIn(apiUrl: string, agentId: string, apiKey: string): Promise<AgentSession> {
  const key = apiKey.trim();
  const id = agentId.trim();
  const client = createLeanClient({ baseUrl: apiUrl, getToken: () => key, retry: { limit: 0 } });
  let agents: readonly { id: string; name: string }[];
  try {
    agents = (await client.listAgents()).items;
  } catch (error) {
    if (error instanceof TierdeskApiError && (error.code === 'unauthorized' || error.code === 'forbidden')) {
      throw new SignInError('That API key was not accepted.');
    }
    if (error instanceof TierdeskNetworkError) {
      throw new SignInError('The Tierdesk API is unreachable. Is the server running?');
    }
    throw new SignInError(`Signing in failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const agent = agents.find((a) => a.id === id);
  if (agent === undefined) throw new SignInError(`There is no agent "${id}" in this workspace.`);
  return { agentId: agent.id, agentName: agent.name, apiKey: key };
}

/** The session of this tab (sessionStorage: gone when the tab closes), or null. */
export function loadSession(): AgentSession | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw === null ? null : (JSON.parse(raw) as AgentSession);
  } catch {
    return null;
  }
}

/** Keeps the session for reloads of this tab; `null` forgets it. */
export function saveSession(session: AgentSession | null): void {
  if (session === null) sessionStorage.removeItem(STORAGE_KEY);
  else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

/**
 * Credentials handed over in the URL fragment (`#agent=agent-lee&key=tdk_…`, what `npm run demo`
 * prints), removed from the address bar at once. The fragment never reaches a server.
 */
export function takeFragmentCredentials(): { agentId: string; apiKey: string } | null {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const agentId = params.get('agent');
  const apiKey = params.get('key');
  if (agentId === null || apiKey === null) return null;
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return { agentId, apiKey };
}
