/** The venue scanner: verifies passes offline against signed bundles, records entries, uploads them when it can. */
import '../shared/reflect-polyfill';
import { configureQrReader, type JWK } from '@greenlight/codec';
import { DEFAULT_MAX_BUNDLE_AGE_HOURS, type Decision, type DecisionBundles, decide } from '@greenlight/rules';
import { prepareZXingModule } from 'barcode-detector/ponyfill';
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import zxingReaderWasm from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { oldestIssuedAt, PUBLICATION_KEYS_URL, syncDecisionBundles } from '../shared/bundles';
import { dosesOf } from '../shared/doses';
import { formatDate, formatDateTime, type Lang, translator, useLang } from '../shared/i18n';
import { LangSwitch } from '../shared/LangSwitch';
import { registerServiceWorker } from '../shared/pwa';
import { type AppDb, openAppDb } from '../shared/store';
import { reasonMark, VerdictIcon } from '../shared/VerdictIcon';
import { type CameraScanner, startCameraScanner } from './camera';
import { CLOCK_WARN_MS, type ClockMeasurement, offsetFromDateHeader, ScannerClock } from './clock';
import { messages } from './messages';
import {
  eventIdAt,
  NotRecordedError,
  type NotRecordedReason,
  nextAttemptDelay,
  OUTBOX_LIMIT,
  OUTBOX_WARN_AT,
  REJECTED_KEY,
  type RejectedEntry,
  recordEntry,
  type ScannerEntry,
  uploadOutbox,
} from './outbox';
import '../shared/styles.css';
import './scanner.css';

configureQrReader({ wasmUrl: zxingReaderWasm });
prepareZXingModule({
  overrides: {
    locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? zxingReaderWasm : prefix + path),
  },
});

/**
 * Bundles older than decide()'s limit (from their signed issuedAt) are stale: the banner uses the same limit as the
 * verdict, so the screen never says "fresh" beside a stale verdict.
 */
const STALE_AFTER_MS = DEFAULT_MAX_BUNDLE_AGE_HOURS * 3600 * 1000;
/**
 * How long a verdict stays on the staff screen before it returns to "ready": 8 s, or `?verdict-seconds=N` for a
 * door that wants longer (a setting of the screen, not of the policy).
 */
const VERDICT_SHOWN_MS = 1000 * (Number(new URLSearchParams(location.search).get('verdict-seconds')) || 8);
const DEVICE_URL = '/v1/devices/me';
/** `?measure`: the camera reports every frame and nothing is recorded (for timing the scanner, never at a door). */
const MEASURE_ONLY = new URLSearchParams(location.search).has('measure');
const FRAME_TO_VERDICT: { ms: number; verdict: string }[] = [];
(globalThis as { greenlightFrameToVerdict?: typeof FRAME_TO_VERDICT }).greenlightFrameToVerdict =
  FRAME_TO_VERDICT;
interface Venue {
  id: string;
  name: string;
  category: string;
  credential: string;
}

type T = ReturnType<typeof translator<typeof messages>>;

/** Codec failures that are about time: with an untrusted clock they are the tablet's fault, never the guest's. */
const TIME_CODES = new Set([
  'ERR_PRESENTATION_STALE',
  'ERR_PRESENTATION_BINDING_EXPIRED',
  'ERR_CWT_NOT_YET_VALID',
  'ERR_CWT_EXPIRED',
  'ERR_SHC_NOT_YET_VALID',
  'ERR_SHC_EXPIRED',
]);

/** Why the scanner refuses to start: entries could be lost. */
type StorageProblem = 'noIndexedDb' | 'notPersistent';

/**
 * IndexedDB must exist and the browser must promise to keep it (`navigator.storage.persist()`, Storage Standard
 * section 4.5): a private window, or a browser that may evict the site's data, would lose unsent entries. The
 * `?measure` mode records nothing, so it needs no promise.
 */
async function checkStorage(): Promise<StorageProblem | undefined> {
  if (typeof indexedDB === 'undefined' || indexedDB === null) return 'noIndexedDb';
  if (MEASURE_ONLY) return undefined;
  const storage = navigator.storage as StorageManager | undefined;
  if (!storage?.persist) return 'notPersistent';
  try {
    if (await storage.persisted()) return undefined;
    return (await storage.persist()) ? undefined : 'notPersistent';
  } catch {
    return 'notPersistent';
  }
}

/** "12 minutes", "3 hours", "1 days" in the staff's language, from milliseconds. */
function amountText(ms: number, t: T): string {
  const minutes = Math.round(Math.abs(ms) / 60000);
  if (minutes < 120) return t('clock.minutes', { n: minutes });
  const hours = Math.round(minutes / 60);
  return hours < 48 ? t('clock.hours', { n: hours }) : t('clock.days', { n: Math.round(hours / 24) });
}

/** Plain words for a server's refusal of an entry. */
function refusalText(code: string, t: T): string {
  if (code === 'ERR_CHECKIN_TIME' || code === 'ERR_CHECKIN_EVENT_ID') return t('rejected.tooOld');
  if (code.startsWith('ERR_CHECKIN_VENUE')) return t('rejected.venue');
  return t('rejected.damaged');
}

function StorageRefused({ problem, onRetry, t }: { problem: StorageProblem; onRetry: () => void; t: T }) {
  return (
    <section class="card setup storage-refused" role="alert" data-storage={problem}>
      <h2>{t('storage.title')}</h2>
      <p>{t(`storage.${problem}`)}</p>
      <p>{t('storage.what')}</p>
      <button type="button" class="primary" onClick={onRetry}>
        {t('storage.retry')}
      </button>
    </section>
  );
}

function NotRecorded({
  reason,
  verdict,
  t,
}: {
  reason: NotRecordedReason;
  verdict: string | undefined;
  t: T;
}) {
  return (
    <section class="verdict not-recorded" role="alert" aria-live="assertive" data-not-recorded={reason}>
      <p class="verdict-word">{t('notRecorded.title')}</p>
      {verdict && (
        <p class="verdict-action">{t('notRecorded.verdict', { verdict: t(`verdict.${verdict}`) })}</p>
      )}
      <p>{t(`notRecorded.${reason}`, { n: OUTBOX_LIMIT })}</p>
    </section>
  );
}

function RejectedList({
  entries,
  onAcknowledge,
  t,
  lang,
}: {
  entries: RejectedEntry[];
  onAcknowledge: () => void;
  t: T;
  lang: Lang;
}) {
  return (
    <section class="card rejected" role="alert" data-rejected={entries.length}>
      <h2>{t('rejected.title', { n: entries.length })}</h2>
      <p>{t('rejected.help')}</p>
      <ul>
        {entries.map((e) => (
          <li key={e.eventId}>
            {t('rejected.line', {
              time: formatDateTime(new Date(e.at), lang),
              method: t(`method.${e.method}`),
              reason: refusalText(e.code, t),
            })}
          </li>
        ))}
      </ul>
      <button type="button" class="primary" onClick={onAcknowledge}>
        {t('rejected.ack')}
      </button>
    </section>
  );
}

function ageText(ms: number, t: T): string {
  const minutes = Math.max(0, Math.round(ms / 60000));
  if (minutes < 60) return t('age.minutes', { n: minutes });
  const hours = Math.round(minutes / 60);
  return hours < 36 ? t('age.hours', { n: hours }) : t('age.days', { n: Math.round(hours / 24) });
}

function Setup({ db, onDone, t }: { db: AppDb; onDone: () => void; t: T }) {
  const [credential, setCredential] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      const keysResponse = await fetch(PUBLICATION_KEYS_URL);
      if (!keysResponse.ok) throw new Error(`HTTP ${keysResponse.status}`);
      const { keys } = (await keysResponse.json()) as { keys: JWK[] };
      // The server says which venue (and so which category) this device belongs to.
      const sentAt = Date.now();
      const deviceResponse = await fetch(DEVICE_URL, {
        cache: 'no-store',
        headers: { Authorization: `Bearer ${credential.trim()}` },
      });
      const clock = offsetFromDateHeader(deviceResponse, sentAt, Date.now());
      const device = (await deviceResponse.json()) as {
        venue?: { id: string; name: string; category: string };
        message?: string;
      };
      if (!deviceResponse.ok || !device.venue)
        throw new Error(device.message ?? `HTTP ${deviceResponse.status}`);
      const venue: Venue = { ...device.venue, credential: credential.trim() };
      await db.put('settings', keys, 'publicationKeys');
      if (clock) await db.put('settings', clock, 'clock');
      await db.put('settings', venue, 'venue');
      onDone();
    } catch (e) {
      setError(
        t('setup.failed', {
          error: e instanceof TypeError ? t('setup.needKeys') : String((e as Error).message),
        }),
      );
    }
  };
  return (
    <form class="card setup" onSubmit={submit}>
      <h2>{t('setup.title')}</h2>
      <label>
        {t('setup.credential')}
        <input
          required
          value={credential}
          onInput={(e) => setCredential(e.currentTarget.value)}
          autocomplete="off"
        />
        <small>{t('setup.credentialHelp')}</small>
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary">
        {t('setup.submit')}
      </button>
    </form>
  );
}

function VerdictPanel({
  decision,
  manual,
  clockTrusted,
  t,
  lang,
}: {
  decision: Decision | undefined;
  manual: boolean;
  clockTrusted: boolean;
  t: T;
  lang: Lang;
}) {
  if (!decision) {
    return (
      <section class={manual ? 'verdict idle recorded' : 'verdict idle'} aria-live="polite">
        <p class="verdict-word">{manual ? t('manual.recorded') : t('scan.waiting')}</p>
      </section>
    );
  }
  const word = t(`verdict.${decision.verdict}`);
  const doses = decision.format === 'shc' ? dosesOf(decision) : [];
  return (
    <section class={`verdict ${decision.verdict}`} aria-live="assertive" data-verdict={decision.verdict}>
      <p class="verdict-word">
        <VerdictIcon verdict={decision.verdict} />
        {word}
      </p>
      <p class="verdict-action">{t(`action.${decision.verdict}`)}</p>
      {decision.holder && (
        <p class="holder">
          <span class="label">{t('holder.label')}</span>
          <strong>{decision.holder.name}</strong> · {decision.holder.dateOfBirth}
        </p>
      )}
      {decision.reasons.length > 0 && (
        <ul class="reasons marked">
          {decision.reasons.map((r) => (
            <li key={`${r.code}-${r.source ?? ''}`} data-mark={reasonMark(r.code)}>
              <span class="mark" aria-hidden="true">
                {reasonMark(r.code)}
              </span>
              {!clockTrusted && r.errorCode && TIME_CODES.has(r.errorCode)
                ? t('clock.reason')
                : /ERR_/.test(r.text[lang] ?? r.text.en ?? '')
                  ? t('reason.unknown')
                  : (r.text[lang] ?? r.text.en)}
            </li>
          ))}
        </ul>
      )}
      {doses.length > 0 && (
        <div class="doses">
          <p class="label">{t('doses.title')}</p>
          <ol>
            {doses.map((d, i) => (
              <li key={`${d.date}-${i}`}>
                {t('doses.line', {
                  n: i + 1,
                  date: formatDate(d.date.slice(0, 10), lang),
                  product: d.product,
                })}
              </li>
            ))}
          </ol>
        </div>
      )}
      {decision.steps.length > 0 && (
        <details>
          <summary>{t('details.show')}</summary>
          <ol class="steps">
            {decision.steps.map((s) => (
              <li key={s.name} class={s.ok === false ? 'bad' : s.ok ? 'ok' : 'skip'}>
                {s.ok === false ? '✗' : s.ok ? '✓' : '–'} {s.name}
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}

function ScannerScreen({
  db,
  venue,
  initialClock,
  t,
  lang,
}: {
  db: AppDb;
  venue: Venue;
  initialClock: ClockMeasurement | undefined;
  t: T;
  lang: Lang;
}) {
  const [keys, setKeys] = useState<JWK[]>([]);
  const [bundles, setBundles] = useState<DecisionBundles>({});
  const [manual, setManual] = useState(false);
  const [refused, setRefused] = useState(false);
  const [decision, setDecision] = useState<Decision>();
  const [input, setInput] = useState('');
  const [outbox, setOutbox] = useState<{ count: number; next?: number }>({ count: 0 });
  const [camera, setCamera] = useState<CameraScanner>();
  const [cameraError, setCameraError] = useState<string>();
  const [now, setNow] = useState(Date.now());
  const [notRecorded, setNotRecorded] = useState<{ reason: NotRecordedReason; verdict?: string }>();
  const [rejected, setRejected] = useState<RejectedEntry[]>([]);
  const [storageLow, setStorageLow] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const clock = useRef(new ScannerClock(initialClock)).current;
  const [clockView, setClockView] = useState({ offsetMs: clock.offsetMs(), trusted: clock.trusted() });
  const showClock = useCallback(
    () => setClockView({ offsetMs: clock.offsetMs(), trusted: clock.trusted() }),
    [clock],
  );
  const applyClock = useCallback(
    async (measurement: ClockMeasurement | undefined) => {
      if (!measurement) return;
      clock.update(measurement);
      showClock();
      await db.put('settings', clock.current, 'clock');
    },
    [db, clock, showClock],
  );

  const refreshOutbox = useCallback(async () => {
    const entries = await db.getAll('outbox');
    const next = entries.reduce<number | undefined>(
      (m, e) => (m === undefined ? e.nextAttemptAt : Math.min(m, e.nextAttemptAt)),
      undefined,
    );
    setOutbox({ count: entries.length, ...(next !== undefined ? { next } : {}) });
    setRejected(((await db.get('settings', REJECTED_KEY)) as RejectedEntry[] | undefined) ?? []);
    const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
    setStorageLow(Boolean(estimate?.quota && (estimate.usage ?? 0) / estimate.quota > 0.9));
  }, [db]);

  /** Staff read the refused entries: those shown leave the list (any that came since stay). */
  const acknowledge = async () => {
    const shown = new Set(rejected.map((r) => r.eventId));
    const tx = db.transaction('settings', 'readwrite', { durability: 'strict' });
    const list = ((await tx.store.get(REJECTED_KEY)) as RejectedEntry[] | undefined) ?? [];
    await tx.store.put(
      list.filter((r) => !shown.has(r.eventId)),
      REJECTED_KEY,
    );
    await tx.done;
    await refreshOutbox();
  };

  const sync = useCallback(async () => {
    const stored = ((await db.get('settings', 'publicationKeys')) as JWK[] | undefined) ?? [];
    setKeys(stored);
    const { results, bundles: inForce } = await syncDecisionBundles(db, stored);
    setRefused(results.some((r) => r.status === 'refused'));
    setBundles(inForce);
    // Every sync measures the clock too (a small authenticated request, never answered from a cache).
    try {
      const sentAt = Date.now();
      const response = await fetch(DEVICE_URL, {
        cache: 'no-store',
        headers: { Authorization: `Bearer ${venue.credential}` },
      });
      if (response.ok) await applyClock(offsetFromDateHeader(response, sentAt, Date.now()));
    } catch {
      // Offline: the last measurement stays in use (and is trusted for a day).
    }
  }, [db, venue, applyClock]);

  const upload = useCallback(
    async (options: { all?: boolean } = {}) => {
      const result = await uploadOutbox(db, venue.credential, Date.now(), options);
      await applyClock(result.clock);
      await refreshOutbox();
      // Entries corrected for the clock are due at once.
      if (result.retried > 0) void uploadOutbox(db, venue.credential, Date.now()).then(() => refreshOutbox());
    },
    [db, venue, refreshOutbox, applyClock],
  );

  useEffect(() => {
    void sync();
    void refreshOutbox();
    const tick = setInterval(() => {
      setNow(Date.now());
      // The tablet's clock set by hand since the last measurement: measure again now.
      if (!clock.trusted()) void sync();
      showClock();
    }, 15000);
    const syncTimer = setInterval(() => void sync(), 15 * 60 * 1000);
    const uploadTimer = setInterval(() => void upload(), 10000);
    // Back online: the backoff was for the network being away, so everything waiting goes now.
    const online = () => void upload({ all: true });
    addEventListener('online', online);
    return () => {
      clearInterval(tick);
      clearInterval(syncTimer);
      clearInterval(uploadTimer);
      removeEventListener('online', online);
    };
  }, [sync, refreshOutbox, upload, clock, showClock]);

  /**
   * Stores an entry at the corrected time (event id of that time, the offset it used, and the tablet's own time to
   * correct it again if the server finds it ahead). Resolves only once it is durably stored; throws
   * `NotRecordedError` otherwise.
   */
  const record = async (entry: Pick<ScannerEntry, 'method' | 'token'>) => {
    const deviceAt = Date.now();
    const measured = clock.current !== undefined;
    const at = deviceAt + clock.offsetMs();
    await recordEntry(db, {
      ...entry,
      eventId: eventIdAt(at),
      venueId: venue.id,
      at: new Date(at).toISOString(),
      ...(measured ? { clockOffsetMs: clock.offsetMs() } : {}),
      deviceAt,
      attempts: 0,
      nextAttemptAt: 0,
    });
    void refreshOutbox();
    void upload();
  };

  // A verdict returns to "ready" after a few seconds, so the next guest never sees the last one's.
  useEffect(() => {
    if (!decision && !manual) return;
    const timer = setTimeout(() => {
      setDecision(undefined);
      setManual(false);
    }, VERDICT_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [decision, manual]);

  const ready = Boolean(bundles.trust && bundles.rules);
  const check = async (text: string, frameAt?: number) => {
    if (!ready) return;
    const result = await decide(text, bundles, {
      now: new Date(clock.now()),
      venueCategory: venue.category,
      purpose: 'door',
    });
    setManual(false);
    // Save, then show: a verdict that lets the guest in appears only once its entry is durably stored.
    if (result.verdict !== 'fail' && !MEASURE_ONLY) {
      try {
        await record({
          ...(result.token ? { token: result.token } : {}),
          method: result.format === 'presentation' ? 'presentation' : 'paper',
        });
      } catch (error) {
        setDecision(undefined);
        setNotRecorded({
          reason: error instanceof NotRecordedError ? error.reason : 'storage',
          verdict: result.verdict,
        });
        return;
      }
    }
    setNotRecorded(undefined);
    setDecision(result);
    // Frame-to-verdict times (the camera frame handed to the detector, to the verdict in the page just before it
    // paints), readable by the benchmark and by support staff from the console.
    if (frameAt !== undefined)
      requestAnimationFrame(() => {
        if (FRAME_TO_VERDICT.length >= 1000) FRAME_TO_VERDICT.shift(); // the latest thousand, for a long day
        FRAME_TO_VERDICT.push({ ms: performance.now() - frameAt, verdict: result.verdict });
      });
  };

  const toggleCamera = async () => {
    if (camera) {
      camera.stop();
      setCamera(undefined);
      return;
    }
    try {
      setCameraError(undefined);
      setCamera(
        await startCameraScanner(
          video.current as HTMLVideoElement,
          (text, frameAt) => void check(text, frameAt),
          MEASURE_ONLY ? 0 : 3000,
        ),
      );
    } catch (e) {
      setCameraError(t('scan.cameraUnavailable', { error: (e as Error).message }));
    }
  };

  const issuedAt = ready ? oldestIssuedAt(bundles) : undefined;
  // Bundle age on the corrected clock (a tablet a day fast would otherwise call fresh data stale).
  const age = issuedAt === undefined ? undefined : now + clockView.offsetMs - issuedAt;
  // The category's name as the policy in force words it.
  const words = bundles.rules?.value.venueCategories[venue.category]?.description;
  const category = words?.[lang] ?? words?.en ?? venue.category;
  return (
    <>
      <p class="venue">{t('venue.label', { name: venue.name, category })}</p>
      <p class={age === undefined || age > STALE_AFTER_MS ? 'status warn' : 'status'} role="status">
        {age === undefined
          ? t('bundles.never')
          : age > STALE_AFTER_MS
            ? t('bundles.stale', { age: ageText(age, t) })
            : t('bundles.age', { age: ageText(age, t) })}
      </p>
      {refused && (
        <p class="status warn" role="alert">
          {t('bundles.refused')}
        </p>
      )}
      {clockView.trusted && Math.abs(clockView.offsetMs) >= CLOCK_WARN_MS && (
        <p class="status warn clock" role="alert" data-clock-offset={clockView.offsetMs}>
          {t('clock.off', {
            amount: amountText(clockView.offsetMs, t),
            // The offset is server − tablet: a negative one means the tablet is ahead.
            direction: clockView.offsetMs < 0 ? t('clock.ahead') : t('clock.behind'),
          })}
        </p>
      )}
      {!clockView.trusted && (
        <p class="status warn clock" role="alert" data-clock-offset="unchecked">
          {t('clock.unchecked')}
        </p>
      )}
      {outbox.count >= OUTBOX_WARN_AT && (
        <p class="status warn" role="alert">
          {t('outbox.nearlyFull', { n: outbox.count, limit: OUTBOX_LIMIT })}
        </p>
      )}
      {storageLow && (
        <p class="status warn" role="alert">
          {t('outbox.storageLow')}
        </p>
      )}
      {rejected.length > 0 && (
        <RejectedList entries={rejected} onAcknowledge={() => void acknowledge()} t={t} lang={lang} />
      )}
      {ready && !bundles.revocation && (
        <p class="status warn" role="alert">
          {t('bundles.noRevocation')}
        </p>
      )}
      {notRecorded ? (
        <NotRecorded reason={notRecorded.reason} verdict={notRecorded.verdict} t={t} />
      ) : (
        <VerdictPanel
          decision={decision}
          manual={manual}
          clockTrusted={clockView.trusted}
          t={t}
          lang={lang}
        />
      )}
      <form
        class="card scan"
        onSubmit={(e) => {
          e.preventDefault();
          void check(input);
          setInput('');
        }}
      >
        <label>
          {t('scan.input')}
          <input
            value={input}
            onInput={(e) => setInput(e.currentTarget.value)}
            autocomplete="off"
            spellcheck={false}
            disabled={!ready}
          />
        </label>
        <div class="row">
          <button type="submit" class="primary" disabled={!ready || !input}>
            {t('scan.check')}
          </button>
          <button type="button" onClick={toggleCamera} disabled={!ready}>
            {camera ? t('scan.stop') : t('scan.camera')}
          </button>
        </div>
        {cameraError && <p class="error">{cameraError}</p>}
        <video
          ref={video}
          class={camera ? 'camera on' : 'camera'}
          muted
          playsInline
          aria-label={t('scan.camera')}
        />
      </form>
      <div class="card row">
        <button
          type="button"
          onClick={async () => {
            setDecision(undefined);
            setManual(false);
            try {
              await record({ method: 'manual' });
            } catch (error) {
              setNotRecorded({ reason: error instanceof NotRecordedError ? error.reason : 'storage' });
              return;
            }
            setNotRecorded(undefined);
            setManual(true);
          }}
        >
          {t('manual.button')}
        </button>
        <p class="outbox" role="status" data-outbox={outbox.count}>
          {outbox.count === 0 ? t('outbox.empty') : t('outbox.waiting', { n: outbox.count })}
          {outbox.count > 0 && outbox.next !== undefined && outbox.next > now && (
            <small> · {t('outbox.retry', { time: formatDateTime(new Date(outbox.next), lang) })}</small>
          )}
        </p>
        {outbox.count > 0 && (
          <button type="button" onClick={() => void upload({ all: true })}>
            {t('outbox.now')}
          </button>
        )}
      </div>
      <p class="note">{t('privacy.note')}</p>
      {keys.length === 0 && <p class="error">{t('setup.needKeys')}</p>}
    </>
  );
}

function App() {
  const lang = useLang();
  const t = translator(messages, lang);
  const [db, setDb] = useState<AppDb>();
  const [problem, setProblem] = useState<StorageProblem>();
  const [venue, setVenue] = useState<Venue | null>();
  const [clock, setClock] = useState<ClockMeasurement>();
  const load = useCallback(async (d: AppDb) => {
    setClock((await d.get('settings', 'clock')) as ClockMeasurement | undefined);
    setVenue(((await d.get('settings', 'venue')) as Venue | undefined) ?? null);
  }, []);
  const start = useCallback(async () => {
    setProblem(undefined);
    const found = await checkStorage();
    if (found) {
      setProblem(found);
      return;
    }
    try {
      const d = await openAppDb('scanner');
      setDb(d);
      void load(d);
    } catch {
      setProblem('noIndexedDb');
    }
  }, [load]);
  useEffect(() => {
    void start();
  }, [start]);
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);
  return (
    <main class="app scanner">
      <header>
        <h1>{t('app.title')}</h1>
        <LangSwitch />
      </header>
      {problem && <StorageRefused problem={problem} onRetry={() => void start()} t={t} />}
      {db && venue === null && <Setup db={db} t={t} onDone={() => void load(db)} />}
      {db && venue && <ScannerScreen db={db} venue={venue} initialClock={clock} t={t} lang={lang} />}
    </main>
  );
}

export { nextAttemptDelay };

registerServiceWorker();
render(<App />, document.getElementById('app') as HTMLElement);
