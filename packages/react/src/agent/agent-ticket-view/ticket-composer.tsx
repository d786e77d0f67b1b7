import { type FormEvent, type ReactElement, useId, useRef, useState } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import type { AgentMacro, AgentMacroUpdates } from '../agent.types';

/** Whether the composer writes to the requester or to the other agents. */
export type ComposerMode = 'reply' | 'note';

/** What the composer sends. */
export interface ComposerSubmission {
  mode: ComposerMode;
  body: string;
  /** Field updates staged by macros, sent in the same step as the message. */
  updates: AgentMacroUpdates;
}

/** Props of {@link TicketComposer}. */
export interface TicketComposerProps {
  /** The host's macros; without any, no macro picker is shown. */
  macros: readonly AgentMacro[];
  /** Whether a submission is being sent. */
  busy: boolean;
  /** Whether the ticket accepts messages (closed tickets do not). */
  disabled: boolean;
  /** Sends; resolves `true` when it landed (the composer then clears), `false` to keep the draft. */
  onSubmit: (submission: ComposerSubmission) => Promise<boolean>;
  /** Tells the view's live region that a macro was applied. */
  onAnnounce: (text: string) => void;
}

/**
 * The agent's composer: a Public reply / Internal note switch (a radio group, so the choice is
 * announced and kept visible), the text, and the host's macros. Applying a macro adds its text and
 * stages its field updates, listed with a remove button each; they are sent with the next message.
 * A failed send keeps the draft.
 */
export function TicketComposer({
  macros,
  busy,
  disabled,
  onSubmit,
  onAnnounce,
}: TicketComposerProps): ReactElement {
  const { t } = useTranslator();
  const ids = { body: useId(), error: useId(), macro: useId(), staged: useId() };
  const name = useId();
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [body, setBody] = useState('');
  const [updates, setUpdates] = useState<AgentMacroUpdates>({});
  const [macroId, setMacroId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);

  const applyMacro = () => {
    const macro = macros.find((m) => m.id === macroId);
    if (macro === undefined) return;
    if (macro.body)
      setBody((current) =>
        current.trim() === '' ? (macro.body ?? '') : `${current.trimEnd()}\n\n${macro.body}`,
      );
    if (macro.updates) setUpdates((current) => ({ ...current, ...macro.updates }));
    setError(null);
    onAnnounce(t('agent.macros.applied', { title: macro.title }));
    bodyRef.current?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const text = body.trim();
    if (text === '') {
      setError(t('agent.composer.required'));
      bodyRef.current?.focus();
      return;
    }
    setError(null);
    if (await onSubmit({ mode, body: text, updates })) {
      setBody('');
      setUpdates({});
      setMacroId('');
    }
  };

  const staged: { key: keyof AgentMacroUpdates; label: string }[] = [];
  if (updates.status)
    staged.push({
      key: 'status',
      label: `${t('agent.ticket.status')}: ${t(`agent.status.${updates.status}`)}`,
    });
  if (updates.priority)
    staged.push({
      key: 'priority',
      label: `${t('agent.ticket.priority')}: ${t(`priority.${updates.priority}`)}`,
    });

  return (
    <form className="td-composer" data-mode={mode} onSubmit={submit} aria-busy={busy} noValidate>
      <fieldset className="td-composer-mode" disabled={disabled}>
        <legend>{t('agent.composer.mode')}</legend>
        <label>
          <input
            type="radio"
            name={name}
            value="reply"
            checked={mode === 'reply'}
            onChange={() => setMode('reply')}
          />{' '}
          {t('agent.composer.reply')}
        </label>
        <label>
          <input
            type="radio"
            name={name}
            value="note"
            checked={mode === 'note'}
            onChange={() => setMode('note')}
          />{' '}
          {t('agent.note.label')}
        </label>
      </fieldset>
      {macros.length > 0 ? (
        <div className="td-composer-macros">
          <label htmlFor={ids.macro}>{t('agent.macros.label')}</label>
          <select
            id={ids.macro}
            className="td-input"
            value={macroId}
            disabled={disabled}
            onChange={(e) => setMacroId(e.target.value)}
          >
            <option value="">{t('agent.macros.choose')}</option>
            {macros.map((m) => (
              <option key={m.id} value={m.id}>
                {m.title}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="td-button"
            disabled={disabled || macroId === ''}
            onClick={applyMacro}
          >
            {t('agent.macros.apply')}
          </button>
        </div>
      ) : null}
      <div className="td-field">
        <label htmlFor={ids.body}>{t(mode === 'reply' ? 'agent.reply.label' : 'agent.note.label')}</label>
        <textarea
          ref={bodyRef}
          id={ids.body}
          className="td-input"
          rows={5}
          value={body}
          disabled={disabled}
          placeholder={mode === 'note' ? t('agent.note.placeholder') : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? ids.error : undefined}
          onChange={(e) => setBody(e.target.value)}
        />
        {error ? (
          <p id={ids.error} className="td-field-error">
            {error}
          </p>
        ) : null}
      </div>
      {staged.length > 0 ? (
        <div className="td-composer-staged">
          <p id={ids.staged}>{t('agent.composer.staged')}</p>
          <ul aria-labelledby={ids.staged}>
            {staged.map((s) => (
              <li key={s.key}>
                <span className="td-badge">{s.label}</span>
                <button
                  type="button"
                  className="td-composer-unstage"
                  aria-label={t('agent.composer.removeStaged', { change: s.label })}
                  onClick={() =>
                    setUpdates((current) => {
                      const { [s.key]: _removed, ...rest } = current;
                      return rest;
                    })
                  }
                >
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <button type="submit" className="td-button" data-variant="primary" disabled={disabled || busy}>
        {t(mode === 'reply' ? 'agent.reply.send' : 'agent.note.add')}
      </button>
    </form>
  );
}
