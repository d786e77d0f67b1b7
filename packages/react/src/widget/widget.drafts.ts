import type { OutboxMessage, WidgetDrafts } from '@tierdesk/core/machines';

// Where the widget keeps what the user typed but has not sent (the ticket form, composer text, the
// offline outbox) between page loads: one entry per identity, so a second person on the same device
// never sees the first one's drafts, wiped on logout (the machine's `clearPersistedDrafts`).

/** The part of the Web Storage API the widget uses (`localStorage` by default). */
export interface WidgetDraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The storage key of an identity's drafts. */
export function widgetDraftsKey(identity: string): string {
  return `tierdesk.widget.drafts.v1:${identity}`;
}

/** The browser's `localStorage`, or `null` where there is none or it is blocked (private modes, SSR). */
export function defaultDraftStorage(): WidgetDraftStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    // Reading `localStorage` throws when the browser blocks storage: the widget works without it.
    return null;
  }
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

function isOutboxMessage(value: unknown): value is OutboxMessage {
  return (
    isObject(value) && isString(value.clientMessageId) && isString(value.ticketId) && isString(value.body)
  );
}

/**
 * Reads an identity's drafts. Anything that is not what {@link writeWidgetDrafts} wrote (another
 * version, a hand edit) is dropped entry by entry: a corrupt entry never breaks the widget.
 */
export function readWidgetDrafts(
  storage: WidgetDraftStorage | null,
  identity: string,
): Partial<WidgetDrafts> {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(widgetDraftsKey(identity)) ?? null;
  } catch {
    return {};
  }
  if (raw === null) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return {};
  }
  if (!isObject(value)) return {};
  const drafts: Partial<WidgetDrafts> = {};
  const form = value.ticketForm;
  if (isObject(form) && isString(form.subject) && isString(form.body)) {
    drafts.ticketForm = { subject: form.subject, body: form.body };
  }
  if (isObject(value.composer)) {
    const composer: Record<string, string> = {};
    for (const [ticketId, text] of Object.entries(value.composer))
      if (isString(text)) composer[ticketId] = text;
    drafts.composer = composer;
  }
  if (Array.isArray(value.outbox)) drafts.outbox = value.outbox.filter(isOutboxMessage);
  return drafts;
}

/** Whether there is nothing worth keeping. */
function isEmpty(drafts: WidgetDrafts): boolean {
  return (
    drafts.ticketForm.subject === '' &&
    drafts.ticketForm.body === '' &&
    Object.keys(drafts.composer).length === 0 &&
    drafts.outbox.length === 0
  );
}

/**
 * Stores an identity's drafts (removes the entry when there is nothing to keep). Returns the error
 * when the storage refused (quota, blocked) so the caller can report it; the drafts stay in memory.
 */
export function writeWidgetDrafts(
  storage: WidgetDraftStorage | null,
  identity: string,
  drafts: WidgetDrafts,
): unknown {
  if (storage === null) return undefined;
  try {
    if (isEmpty(drafts)) storage.removeItem(widgetDraftsKey(identity));
    else storage.setItem(widgetDraftsKey(identity), JSON.stringify(drafts));
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Forgets an identity's drafts (logout). Returns the error when the storage refused. */
export function clearWidgetDrafts(storage: WidgetDraftStorage | null, identity: string): unknown {
  try {
    storage?.removeItem(widgetDraftsKey(identity));
    return undefined;
  } catch (error) {
    return error;
  }
}
