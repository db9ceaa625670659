/** One icon per verdict, so that the verdict reads without its colour (colour-blind staff, glare, greyscale). */
import type { DecisionVerdict } from '@greenlight/rules';

const SHAPES: Record<DecisionVerdict, preact.JSX.Element> = {
  pass: <path d="M5 12.5l4.5 4.5L19 7.5" />,
  exempt: <path d="M12 3l8 3v6c0 4.6-3.3 8-8 9-4.7-1-8-4.4-8-9V6z M8.5 12l2.5 2.5 4.5-5" />,
  'solo-only': (
    <>
      <circle cx="12" cy="7.5" r="3.5" />
      <path d="M5 21c0-4 3.1-7 7-7s7 3 7 7" />
    </>
  ),
  'check-id': (
    <>
      <rect x="2.5" y="5" width="19" height="14" rx="2" />
      <circle cx="8.5" cy="11" r="2.2" />
      <path d="M5.5 16c.6-1.6 1.7-2.4 3-2.4s2.4.8 3 2.4 M14 10h4.5 M14 13.5h3" />
    </>
  ),
  warn: <path d="M12 3L2 20.5h20z M12 9.5v5 M12 17.3v.4" />,
  fail: <path d="M6 6l12 12 M18 6L6 18" />,
};

/** `label` is the verdict's word, read by screen readers; the icon itself is drawn in the text's colour. */
export function VerdictIcon({ verdict, label }: { verdict: DecisionVerdict; label?: string }) {
  return (
    <svg
      class={`verdict-icon icon-${verdict}`}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2.2"
      stroke-linecap="round"
      stroke-linejoin="round"
      role={label ? 'img' : undefined}
      aria-hidden={label ? undefined : 'true'}
      aria-label={label}
    >
      {SHAPES[verdict]}
    </svg>
  );
}

/** The mark before a reason: what held (✓), what failed (✗), what staff must do or know (!). */
export function reasonMark(code: string): '✓' | '✗' | '!' {
  // decide() lists the rules that held (RULE_PASSED) after a check-id reason: they held, so they are never ✗.
  if (code === 'EXEMPT' || code === 'RULE_PASSED') return '✓';
  if (
    code === 'REVOCATION_MISSING' ||
    code === 'STALE_BUNDLE' ||
    code === 'RULE_WARNING' ||
    code === 'CHECK_ID_NO_DEVICE_PROOF' ||
    code === 'FOREIGN_CREDENTIAL' ||
    code === 'SOLO_ONLY'
  )
    return '!';
  return '✗';
}
