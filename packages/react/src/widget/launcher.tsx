import { lazy, type ReactElement, Suspense, useCallback, useId, useRef, useState } from 'react';
import { useTranslator } from '../i18n/use-translator';
import { useThemeRootProps } from '../theme/use-theme-root-props';
import type { SupportWidgetProps } from './support-widget';

// The widget's initial chunk: a button and its open state. The panel (the widget machine, the
// screens, the markdown renderer) is a separate chunk loaded on first open.
const Panel = lazy(() => import('./panel'));

/**
 * The launcher button of {@link SupportWidget}: lazy-loads the panel on first open, keeps it mounted
 * afterwards (the session survives closing), and takes focus back when the panel closes.
 */
export function Launcher(props: SupportWidgetProps): ReactElement {
  const { t } = useTranslator();
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
        aria-label={t(open ? 'widget.launcher.close' : 'widget.launcher.open')}
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
