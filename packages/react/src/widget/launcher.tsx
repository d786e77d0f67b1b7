import { lazy, type ReactElement, Suspense, useCallback, useContext, useId, useRef, useState } from 'react';
import { I18nContext } from '../i18n/i18n-context';
import { useThemeRootProps } from '../theme/use-theme-root-props';
import type { SupportWidgetProps } from './support-widget';

// The widget's initial chunk: a button and its open state. The panel (the widget machine, the
// screens, the markdown renderer) is a separate chunk loaded on first open.
const Panel = lazy(() => import('./panel'));

// The launcher's two labels when no <TierdeskI18nProvider> is above (the same text as the English
// catalog's): building the default translator here would pull every catalog and formatter into the
// initial chunk.
const ENGLISH_LABELS = { open: 'Open help', close: 'Close help' } as const;

/**
 * The launcher button of {@link SupportWidget}: lazy-loads the panel on first open, keeps it mounted
 * afterwards (the session survives closing), and takes focus back when the panel closes.
 */
export function Launcher(props: SupportWidgetProps): ReactElement {
  const translator = useContext(I18nContext);
  const rootProps = useThemeRootProps(props.className ? `td-widget ${props.className}` : 'td-widget');
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const close = useCallback(() => {
    setOpen(false);
    button.current?.focus();
  }, []);
  return (
    <div {...rootProps}>
      <button
        ref={button}
        type="button"
        className="td-launcher"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={
          translator
            ? translator.t(open ? 'widget.launcher.close' : 'widget.launcher.open')
            : ENGLISH_LABELS[open ? 'close' : 'open']
        }
        onClick={() => {
          setLoaded(true);
          setOpen((o) => !o);
        }}
      >
        <span aria-hidden="true">?</span>
      </button>
      {loaded ? (
        <Suspense fallback={null}>
          <Panel {...props} id={panelId} open={open} onClose={close} />
        </Suspense>
      ) : null}
    </div>
  );
}
