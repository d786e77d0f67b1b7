import { type FormEvent, type ReactElement, useId, useState } from 'react';

/** Props of {@link LoginForm}. */
export interface LoginFormProps {
  /** Signs in; a rejection's message is shown in the form. */
  onSignIn: (agentId: string, apiKey: string) => Promise<void>;
  /** An error to show at first (a handed-over key that was refused). */
  initialError?: string | undefined;
}

/** The console's sign-in: the agent's id and API key (`npm run demo` prints both). */
export function LoginForm({ onSignIn, initialError }: LoginFormProps): ReactElement {
  const [error, setError] = useState<string | undefined>(initialError);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      await onSignIn(String(data.get('agentId') ?? ''), String(data.get('apiKey') ?? ''));
    } catch (failure) {
      setError((failure as Error).message);
      setBusy(false);
    }
  };

  return (
    <form className="console-login-form" aria-labelledby={`${id}-heading`} onSubmit={submit}>
      <h2 id={`${id}-heading`}>Sign in</h2>
      <p>
        Sign in with an agent's id and API key. <code>npm run demo</code> prints them, with a link that signs
        you in.
      </p>
      <label htmlFor={`${id}-agent`}>Agent ID</label>
      <input
        id={`${id}-agent`}
        name="agentId"
        required
        autoComplete="username"
        placeholder="agent-lee"
        defaultValue="agent-lee"
      />
      <label htmlFor={`${id}-key`}>API key</label>
      <input
        id={`${id}-key`}
        name="apiKey"
        type="password"
        required
        autoComplete="current-password"
        placeholder="tdk_…"
        aria-describedby={error === undefined ? undefined : `${id}-error`}
        aria-invalid={error === undefined ? undefined : true}
      />
      {error === undefined ? null : (
        <p id={`${id}-error`} role="alert" className="console-error">
          {error}
        </p>
      )}
      <button type="submit" className="console-button" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
