import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError, errorResponse } from '../http/api-error';
import { readBodyText } from '../http/request-body';
import type { SqlDatabase } from '../store';
import { type EmailLocale, escapeHtml } from './email.messages';
import { setEmailOptOut } from './email.outbox';

/**
 * Unsubscribe links of notification mails (RFC 8058 one-click, RFC 2369 `List-Unsubscribe`).
 *
 * The link carries `<payload>.<mac>`: the payload names the workspace and the requester, the MAC is an
 * HMAC-SHA256 over it with the email token secret. It is stateless and never expires, as unsubscribe
 * links must keep working in old mails; it can do one thing only — switch that requester's mails off
 * (or on again from the confirmation page).
 */

/** Who an unsubscribe link is for. */
export interface UnsubscribeClaims {
  workspaceId: string;
  requesterId: string;
}

/** The path of the unsubscribe page (`GET` shows it, `POST` acts: one-click from mail clients or the form). */
export const UNSUBSCRIBE_PATH = '/v1/email/unsubscribe';
const DOMAIN_TAG = 'tierdesk-unsubscribe-v1';

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(`${DOMAIN_TAG}\0${payload}`).digest('base64url').slice(0, 32);
}

/** Signs an unsubscribe token for a requester. */
export function createUnsubscribeToken(claims: UnsubscribeClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify([claims.workspaceId, claims.requesterId])).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

/** The claims of a genuine token, else null (malformed, forged, or signed with another secret). */
export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeClaims | null {
  if (token.length > 1024) return null;
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(sign(payload, secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [workspaceId, requesterId] = value as unknown[];
    if (typeof workspaceId !== 'string' || typeof requesterId !== 'string') return null;
    return { workspaceId, requesterId };
  } catch {
    return null;
  }
}

/** The unsubscribe link of a requester: `<publicUrl>/v1/email/unsubscribe?token=…&lang=…`. */
export function unsubscribeUrl(publicUrl: string, token: string, locale: EmailLocale): string {
  const url = new URL(UNSUBSCRIBE_PATH, `${publicUrl.replace(/\/+$/, '')}/`);
  // A publicUrl with a path prefix (`https://acme.example/support`) keeps it.
  const base = new URL(publicUrl);
  if (base.pathname !== '/' && base.pathname !== '') {
    url.pathname = `${base.pathname.replace(/\/+$/, '')}${UNSUBSCRIBE_PATH}`;
  }
  url.searchParams.set('token', token);
  url.searchParams.set('lang', locale);
  return url.toString();
}

const PAGES = {
  en: {
    title: 'Email notifications',
    ask: 'Stop emails about your support requests?',
    askDetail: 'You will still see every answer in the app.',
    stop: 'Unsubscribe',
    done: 'You are unsubscribed.',
    doneDetail:
      'We will not email you about your support requests any more. Answers stay visible in the app.',
    resume: 'Email me again',
    resumed: 'You will get emails about your support requests again.',
    invalid: 'This link is not valid.',
  },
  de: {
    title: 'E-Mail-Benachrichtigungen',
    ask: 'Keine E-Mails mehr zu Ihren Support-Anfragen?',
    askDetail: 'Alle Antworten sehen Sie weiterhin in der App.',
    stop: 'Abmelden',
    done: 'Sie sind abgemeldet.',
    doneDetail:
      'Wir schreiben Ihnen keine E-Mails mehr zu Ihren Support-Anfragen. Antworten bleiben in der App sichtbar.',
    resume: 'Wieder E-Mails erhalten',
    resumed: 'Sie erhalten wieder E-Mails zu Ihren Support-Anfragen.',
    invalid: 'Dieser Link ist nicht gültig.',
  },
} satisfies Record<EmailLocale, Record<string, string>>;

function page(status: number, locale: EmailLocale, heading: string, body: string): Response {
  const t = PAGES[locale];
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(t.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem}</style>
</head><body><main><h1>${escapeHtml(heading)}</h1>${body}</main></body></html>`;
  return new Response(html, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // Nothing but this page's own inline style and a form back to itself.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    },
  });
}

function form(action: string, label: string, resubscribe: boolean): string {
  return `<form method="post" action="${escapeHtml(action)}">${
    resubscribe ? '<input type="hidden" name="action" value="resubscribe">' : ''
  }<button type="submit">${escapeHtml(label)}</button></form>`;
}

/**
 * The unsubscribe endpoint. `GET` only shows a confirmation form — link scanners and previews fetch
 * links, so a GET must change nothing. `POST` switches the requester's notification mails off: mail
 * clients send it for RFC 8058 one-click (`List-Unsubscribe=One-Click` in the body), people send it with
 * the form; `action=resubscribe` switches them back on. A forged or damaged link answers 400 and
 * changes nothing.
 */
export function unsubscribeHandler(deps: {
  db: SqlDatabase;
  tokenSecret: string;
}): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const lang = url.searchParams.get('lang');
    const locale: EmailLocale = lang === 'de' ? 'de' : 'en';
    const t = PAGES[locale];
    const claims = verifyUnsubscribeToken(url.searchParams.get('token') ?? '', deps.tokenSecret);
    if (claims === null) {
      if (request.method === 'POST') {
        return errorResponse(new ApiError('bad_request', 'The unsubscribe link is not valid.'));
      }
      return page(400, locale, t.invalid, '');
    }
    const self = `${url.pathname}${url.search}`;
    if (request.method !== 'POST') {
      return page(200, locale, t.ask, `<p>${escapeHtml(t.askDetail)}</p>${form(self, t.stop, false)}`);
    }
    // A form or RFC 8058's `List-Unsubscribe=One-Click`: a few bytes; anything large is refused (413).
    const body = await readBodyText(request, 4096);
    const resubscribe = new URLSearchParams(body).get('action') === 'resubscribe';
    await setEmailOptOut(deps.db, claims.workspaceId, claims.requesterId, !resubscribe);
    if (resubscribe) return page(200, locale, t.resumed, '');
    return page(200, locale, t.done, `<p>${escapeHtml(t.doneDetail)}</p>${form(self, t.resume, true)}`);
  };
}
