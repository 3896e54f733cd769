/**
 * Sessions end after 30 minutes without use (issue 15, part 7): a warning one minute before, with a
 * button to go on; then the console logs out. Any key, click or touch counts as use.
 */
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import { useEffect, useRef, useState } from 'react';
import { t } from './i18n.js';

export const IDLE_LIMIT_MS = 30 * 60_000;
export const IDLE_WARNING_MS = 60_000;

export function IdleGuard({
  onTimeout,
  limitMs = IDLE_LIMIT_MS,
}: {
  onTimeout: () => void;
  limitMs?: number;
}) {
  const last = useRef(Date.now());
  const [warning, setWarning] = useState(false);
  const ended = useRef(onTimeout);
  ended.current = onTimeout;
  useEffect(() => {
    const used = () => {
      last.current = Date.now();
    };
    const events = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
    for (const e of events) window.addEventListener(e, used, { passive: true });
    const timer = setInterval(() => {
      const idle = Date.now() - last.current;
      if (idle >= limitMs) ended.current();
      else setWarning(idle >= limitMs - IDLE_WARNING_MS);
    }, 1000);
    return () => {
      for (const e of events) window.removeEventListener(e, used);
      clearInterval(timer);
    };
  }, [limitMs]);
  if (!warning) return null;
  return (
    <div className="idle-warning">
      <Alert
        type="warning"
        showIcon
        role="alert"
        message={t('idle.warning')}
        action={
          <Button
            type="primary"
            onClick={() => {
              last.current = Date.now();
              setWarning(false);
            }}
          >
            {t('idle.stay')}
          </Button>
        }
      />
    </div>
  );
}
