import { createSupportWidgetController, SupportWidget } from '@tierdesk/react/widget';
import { type ReactElement, useEffect, useState } from 'react';
import { type DemoClock, followServerClock } from './demo-clock';
import { createSupportTokenSource } from './support-token';

/** What the app's backend says about the session (GET /api/session). */
interface Session {
  user: { id: string; name?: string; email?: string };
  supportApiUrl: string;
  clock: DemoClock;
}

/** The widget's control API: the app's own buttons open it, prefilled. */
const support = createSupportWidgetController();
const getSupportToken = createSupportTokenSource();

const INVOICES = [
  { number: 'INV-1042', customer: 'Globex', amount: '€ 1,250.00', status: 'Paid' },
  { number: 'INV-1043', customer: 'Initech', amount: '€ 980.00', status: 'Open' },
  { number: 'INV-1044', customer: 'Umbrella', amount: '€ 3,400.00', status: 'Overdue' },
];

/**
 * A stand-in for your product: a page of its own, a signed-in user, and the Tierdesk help widget in
 * the corner, signed in as that user with a token from the app's backend.
 */
export function App(): ReactElement {
  const [session, setSession] = useState<Session | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    fetch('/api/session')
      .then((response) => {
        if (!response.ok) throw new Error(`session: ${response.status}`);
        return response.json() as Promise<Session>;
      })
      .then((value) => {
        followServerClock(value.clock);
        setSession(value);
      })
      .catch(() => setFailed(true));
  }, []);

  return (
    <>
      <header className="host-header">
        <p className="host-brand">Acme Analytics</p>
        <p className="host-user" aria-live="polite">
          {session ? `Signed in as ${session.user.name ?? session.user.id}` : failed ? '' : 'Signing in…'}
        </p>
      </header>
      <main className="host-main">
        <h1>Invoices</h1>
        {failed ? (
          <p role="alert">The app's backend did not answer. Is `npm run demo` still running?</p>
        ) : null}
        <table className="host-table">
          <caption>Invoices this month</caption>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Customer</th>
              <th scope="col">Amount</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {INVOICES.map((invoice) => (
              <tr key={invoice.number}>
                <th scope="row">{invoice.number}</th>
                <td>{invoice.customer}</td>
                <td>{invoice.amount}</td>
                <td>{invoice.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="host-button" disabled>
          Export CSV
        </button>

        <section className="host-help" aria-labelledby="host-help-heading">
          <h2 id="host-help-heading">Need help?</h2>
          <p>
            The help button in the corner opens the support widget: search the help center, or write to us.
            These buttons drive it through its control API.
          </p>
          <div className="host-actions">
            <button type="button" className="host-button" onClick={() => support.open()}>
              Search the help center
            </button>
            <button
              type="button"
              className="host-button"
              onClick={() =>
                support.startMessage({
                  subject: 'The invoice export is disabled',
                  body: 'The "Export CSV" button on the Invoices page is greyed out.',
                })
              }
            >
              Report a problem with the export
            </button>
          </div>
        </section>
      </main>
      {session ? (
        <SupportWidget
          baseUrl={session.supportApiUrl}
          getToken={getSupportToken}
          identity={session.user.id}
          user={session.user}
          controller={support}
          diagnostics={{ appVersion: '1.0.0-demo' }}
        />
      ) : null}
    </>
  );
}
