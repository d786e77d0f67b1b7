import { TierdeskProvider } from '@tierdesk/react';
import { type ReactElement, useEffect, useState } from 'react';
import { AgentConsole, forgetOpenTicket } from './agent-console';
import {
  type AgentSession,
  loadSession,
  saveSession,
  signIn,
  takeFragmentCredentials,
} from './agent-session';
import { type DemoClock, followServerClock } from './demo-clock';
import { LoginForm } from './login-form';

/** What the console's backend tells the app (GET /config.json). */
interface ConsoleConfig {
  apiUrl: string;
  clock: DemoClock;
}

type Boot =
  | { state: 'loading' }
  | { state: 'failed' }
  | { state: 'ready'; config: ConsoleConfig; session: AgentSession | null; error?: string };

/**
 * The agent console app: a sign-in form (agent id and API key), then the console (queue, ticket
 * view and metrics, assembled in agent-console.tsx) inside a `TierdeskProvider` that sends the key
 * with every call.
 */
export function ConsoleApp(): ReactElement {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const response = await fetch('/config.json');
      if (!response.ok) throw new Error(`config: ${response.status}`);
      const config = (await response.json()) as ConsoleConfig;
      followServerClock(config.clock);
      const handedOver = takeFragmentCredentials();
      if (handedOver === null) return { config, session: loadSession() };
      try {
        const session = await signIn(config.apiUrl, handedOver.agentId, handedOver.apiKey);
        saveSession(session);
        return { config, session };
      } catch (error) {
        return { config, session: null, error: (error as Error).message };
      }
    })().then(
      (ready) => {
        if (!cancelled) setBoot({ state: 'ready', ...ready });
      },
      () => {
        if (!cancelled) setBoot({ state: 'failed' });
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  // A sign-in link opened in a tab that already shows the console only changes the fragment.
  const ready = boot.state === 'ready' ? boot.config : undefined;
  useEffect(() => {
    if (ready === undefined) return;
    const onHashChange = () => {
      const handedOver = takeFragmentCredentials();
      if (handedOver === null) return;
      signIn(ready.apiUrl, handedOver.agentId, handedOver.apiKey).then(
        (session) => {
          saveSession(session);
          setBoot({ state: 'ready', config: ready, session });
        },
        (error: Error) => setBoot({ state: 'ready', config: ready, session: null, error: error.message }),
      );
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [ready]);

  if (boot.state === 'loading') {
    return (
      <main className="console-main">
        <h1>Tierdesk agent console</h1>
        <p>Loading…</p>
      </main>
    );
  }
  if (boot.state === 'failed') {
    return (
      <main className="console-main">
        <h1>Tierdesk agent console</h1>
        <p role="alert">The console's backend did not answer. Is `npm run demo` still running?</p>
      </main>
    );
  }
  const { config, session } = boot;
  const signOut = () => {
    saveSession(null);
    forgetOpenTicket();
    setBoot({ state: 'ready', config, session: null });
  };

  if (session === null) {
    return (
      <main className="console-main console-login">
        <h1>Tierdesk agent console</h1>
        <LoginForm
          key={boot.error ?? ''}
          initialError={boot.error}
          onSignIn={async (agentId, apiKey) => {
            const signedIn = await signIn(config.apiUrl, agentId, apiKey);
            saveSession(signedIn);
            setBoot({ state: 'ready', config, session: signedIn });
          }}
        />
      </main>
    );
  }

  return (
    <>
      <header className="console-header">
        <h1>Tierdesk agent console</h1>
        <p>
          Signed in as <strong>{session.agentName}</strong> ({session.agentId})
        </p>
        <button type="button" className="console-button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main className="console-main console-workspace">
        {/* key: a different agent gets a fresh provider, so no cache is shared between them. */}
        <TierdeskProvider
          key={session.agentId}
          baseUrl={config.apiUrl}
          getToken={() => session.apiKey}
          identity={session.agentId}
        >
          <AgentConsole agentId={session.agentId} />
        </TierdeskProvider>
      </main>
    </>
  );
}
