'use client';

import { SupportWidget } from '@tierdesk/react/widget';
import type { ReactElement } from 'react';

// Inlined at build time (NEXT_PUBLIC_*). The Tierdesk server must allow this app's origin (CORS).
const TIERDESK_URL = process.env.NEXT_PUBLIC_TIERDESK_URL ?? 'http://127.0.0.1:8787';

let cached: { token: string; renewAtMs: number } | undefined;
let pending: Promise<string> | undefined;

/** The widget asks for a token per request: reuse one until 80 % of its lifetime has passed. */
async function getIdentityToken(): Promise<string> {
  if (cached !== undefined && Date.now() < cached.renewAtMs) return cached.token;
  pending ??= fetch('/api/tierdesk-token', { method: 'POST' })
    .then(async (res) => {
      if (!res.ok) throw new Error(`The token route answered ${res.status}`);
      const { token, expiresInSeconds } = (await res.json()) as { token: string; expiresInSeconds: number };
      cached = { token, renewAtMs: Date.now() + expiresInSeconds * 800 };
      return token;
    })
    .finally(() => {
      pending = undefined;
    });
  return pending;
}

/** Props of {@link HelpWidget}. */
export interface HelpWidgetProps {
  user: { id: string; name: string; email: string };
}

/**
 * The client side of the page: `getToken` is a function, which a Server Component cannot pass as a
 * prop, so the widget is rendered from this client component. Its launcher is still server-rendered.
 */
export function HelpWidget({ user }: HelpWidgetProps): ReactElement {
  return (
    <SupportWidget
      baseUrl={TIERDESK_URL}
      getToken={getIdentityToken}
      identity={user.id}
      user={user}
      diagnostics={{ appVersion: '1.0.0' }}
    />
  );
}
