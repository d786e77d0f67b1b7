import type { Ticket, Tier } from '@tierdesk/core';
import { TIERS } from '@tierdesk/core';
import { type FormEvent, type ReactElement, useEffect, useId, useRef, useState } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import type { TierLabel } from '../agent.types';

/** The server's minimum reason length (trimmed), checked before sending. */
export const TIER_REASON_MIN_LENGTH = 3;

/** What a submitted tier change asks for. */
export interface TierChangeRequest {
  direction: 'escalate' | 'deescalate';
  to: Tier;
  reason: string;
  vendor?: { vendor: string; reference: string };
}

/** Props of {@link TierChangeForm}. */
export interface TierChangeFormProps {
  /** `escalate` offers the tiers above the ticket's, `deescalate` those below. */
  direction: 'escalate' | 'deescalate';
  ticket: Ticket;
  tier: TierLabel;
  /** Whether the change is being sent. */
  busy: boolean;
  onSubmit: (request: TierChangeRequest) => void;
  onCancel: () => void;
}

/**
 * The form behind "Escalate" and "De-escalate": a target tier, a required reason, and at L4 the
 * vendor and their case reference. It refuses to send without a reason (or without the vendor at L4)
 * and says why next to the field, which takes focus.
 */
export function TierChangeForm({
  direction,
  ticket,
  tier,
  busy,
  onSubmit,
  onCancel,
}: TierChangeFormProps): ReactElement {
  const { t } = useTranslator();
  const ids = {
    title: useId(),
    to: useId(),
    reason: useId(),
    reasonError: useId(),
    vendor: useId(),
    reference: useId(),
    vendorError: useId(),
  };
  const targets = TIERS.filter((n) => (direction === 'escalate' ? n > ticket.tier : n < ticket.tier));
  const [to, setTo] = useState<Tier>(
    (direction === 'escalate' ? targets[0] : targets[targets.length - 1]) ?? ticket.tier,
  );
  const [reason, setReason] = useState('');
  const [vendor, setVendor] = useState('');
  const [reference, setReference] = useState('');
  const [errors, setErrors] = useState<{ reason?: string; vendor?: string }>({});
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const vendorRef = useRef<HTMLInputElement>(null);
  const firstRef = useRef<HTMLSelectElement>(null);
  useEffect(() => firstRef.current?.focus(), []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: { reason?: string; vendor?: string } = {};
    const trimmed = reason.trim();
    if (trimmed === '') next.reason = t('agent.escalate.reasonRequired');
    else if (trimmed.length < TIER_REASON_MIN_LENGTH)
      next.reason = t('agent.escalate.reasonTooShort', { min: TIER_REASON_MIN_LENGTH });
    const needsVendor = direction === 'escalate' && to === 4;
    if (needsVendor && (vendor.trim() === '' || reference.trim() === ''))
      next.vendor = t('agent.escalate.vendorRequired', { tier: tier(4) });
    setErrors(next);
    if (next.reason) {
      reasonRef.current?.focus();
      return;
    }
    if (next.vendor) {
      vendorRef.current?.focus();
      return;
    }
    onSubmit({
      direction,
      to,
      reason: trimmed,
      ...(needsVendor ? { vendor: { vendor: vendor.trim(), reference: reference.trim() } } : {}),
    });
  };

  return (
    <form className="td-tier-form" aria-labelledby={ids.title} noValidate onSubmit={submit} aria-busy={busy}>
      {/* h3: the form sits right under the ticket's h2 title, and a skipped level breaks heading navigation. */}
      <h3 id={ids.title}>
        {t(direction === 'escalate' ? 'agent.escalate.title' : 'agent.deescalate.title')}
      </h3>
      <div className="td-field">
        <label htmlFor={ids.to}>{t('agent.escalate.target')}</label>
        <select
          ref={firstRef}
          id={ids.to}
          className="td-input"
          value={to}
          onChange={(e) => setTo(Number(e.target.value) as Tier)}
        >
          {targets.map((n) => (
            <option key={n} value={n}>
              {tier(n)}
            </option>
          ))}
        </select>
      </div>
      {direction === 'escalate' && to === 4 ? (
        <fieldset className="td-tier-vendor">
          <legend>{t('agent.escalate.vendor')}</legend>
          <div className="td-field">
            <label htmlFor={ids.vendor}>{t('agent.escalate.vendorName')}</label>
            <input
              ref={vendorRef}
              id={ids.vendor}
              className="td-input"
              value={vendor}
              required
              aria-invalid={errors.vendor && vendor.trim() === '' ? true : undefined}
              aria-describedby={errors.vendor ? ids.vendorError : undefined}
              onChange={(e) => setVendor(e.target.value)}
            />
          </div>
          <div className="td-field">
            <label htmlFor={ids.reference}>{t('agent.escalate.vendor')}</label>
            <input
              id={ids.reference}
              className="td-input"
              value={reference}
              required
              aria-invalid={errors.vendor && reference.trim() === '' ? true : undefined}
              aria-describedby={errors.vendor ? ids.vendorError : undefined}
              onChange={(e) => setReference(e.target.value)}
            />
          </div>
          {errors.vendor ? (
            <p id={ids.vendorError} className="td-field-error">
              {errors.vendor}
            </p>
          ) : null}
        </fieldset>
      ) : null}
      <div className="td-field">
        <label htmlFor={ids.reason}>{t('agent.escalate.reason')}</label>
        <textarea
          ref={reasonRef}
          id={ids.reason}
          className="td-input"
          value={reason}
          required
          rows={3}
          aria-invalid={errors.reason ? true : undefined}
          aria-describedby={errors.reason ? ids.reasonError : undefined}
          onChange={(e) => setReason(e.target.value)}
        />
        {errors.reason ? (
          <p id={ids.reasonError} className="td-field-error">
            {errors.reason}
          </p>
        ) : null}
      </div>
      <div className="td-tier-actions">
        <button type="submit" className="td-button" data-variant="primary" disabled={busy}>
          {t(direction === 'escalate' ? 'agent.escalate.to' : 'agent.deescalate.to', { tier: tier(to) })}
        </button>
        <button type="button" className="td-button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
