import type { ReactElement } from 'react';
import { DEMO_USER } from './demo-user';
import { HelpWidget } from './help-widget';

// A Server Component, prerendered at build time: the host's page with the widget's launcher in its
// HTML. The panel loads in the browser on first open.
export default function HomePage(): ReactElement {
  return (
    <main
      style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '3rem auto', padding: '0 1rem' }}
    >
      <h1>Acme Analytics</h1>
      <p>Signed in as {DEMO_USER.name}. Your dashboards would be here.</p>
      <p>Questions? The help button in the corner searches the help center and opens a ticket.</p>
      <HelpWidget user={DEMO_USER} />
    </main>
  );
}
