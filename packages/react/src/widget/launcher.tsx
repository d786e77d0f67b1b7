import {
  lazy,
  type ReactElement,
  Suspense,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { I18nContext } from '../i18n/i18n-context';
import { TierdeskContext } from '../provider/tierdesk-context';
import { useThemeRootProps } from '../theme/use-theme-root-props';
import type { SupportWidgetProps } from './support-widget';
import {
  createSupportWidgetController,
  isPanelRequested,
  reportedErrors,
  setStoredWipe,
} from './widget.controller';
import { clearWidgetDrafts, defaultDraftStorage } from './widget.drafts';

// The widget's initial chunk: a button, its open state and the control API. The panel (the widget
// machine, the screens, the client, the markdown renderer) is a separate chunk loaded on first open.
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
  const provided = useContext(TierdeskContext);
  const rootProps = useThemeRootProps(props.className ? `td-widget ${props.className}` : 'td-widget');
  const [ownController] = useState(createSupportWidgetController);
  const controller = props.controller ?? ownController;
  const open = useSyncExternalStore(
    controller.subscribe,
    () => controller.isOpen,
    () => false,
  );
  const loaded = open || isPanelRequested(controller);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  // Logout before the panel ever loaded must still wipe what an earlier visit stored.
  const identity = props.baseUrl === undefined ? provided?.identity : props.identity;
  const { storage } = props;
  useEffect(() => {
    if (identity === undefined) return;
    setStoredWipe(controller, () => {
      clearWidgetDrafts(storage === undefined ? defaultDraftStorage() : storage, identity);
    });
    return () => setStoredWipe(controller, null);
  }, [controller, identity, storage]);

  // Focus goes back to the launcher when the panel closes while focus was inside it.
  const wasOpen = useRef(open);
  useEffect(() => {
    if (wasOpen.current && !open) {
      const active = document.activeElement;
      const panel = document.getElementById(panelId);
      if (active === null || active === document.body || panel?.contains(active)) button.current?.focus();
    }
    wasOpen.current = open;
  }, [open, panelId]);

  const close = useCallback(() => controller.close(), [controller]);
  const diagnostics =
    props.diagnostics === undefined || props.diagnostics.recentErrors !== undefined
      ? props.diagnostics
      : { ...props.diagnostics, recentErrors: () => reportedErrors(controller) };
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
        onClick={controller.toggle}
      >
        <span aria-hidden="true">?</span>
      </button>
      {loaded ? (
        <Suspense fallback={null}>
          <Panel
            {...props}
            diagnostics={diagnostics}
            controller={controller}
            id={panelId}
            open={open}
            onClose={close}
          />
        </Suspense>
      ) : null}
    </div>
  );
}
