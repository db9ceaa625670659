/** The holder's wallet: one-time-code login, passes saved on the phone, and a presentation QR computed offline. */
import '../shared/reflect-polyfill';
import {
  base64ToBytes,
  bytesToBase64url,
  configureQrReader,
  configureQrWriter,
  createPresentation,
  decodeHc1,
  exportDevicePublicKey,
  extractShcJws,
  generateDeviceKey,
  type JWK,
  qrSvg,
  readQrImage,
  SLOT_SECONDS,
  shcNumeric,
} from '@greenlight/codec';
import { type Decision, type DecisionBundles, decide, kstDate } from '@greenlight/rules';
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import zxingReaderWasm from 'zxing-wasm/reader/zxing_reader.wasm?url';
import zxingWriterWasm from 'zxing-wasm/writer/zxing_writer.wasm?url';
import { loadDecisionBundles, PUBLICATION_KEYS_URL, syncDecisionBundles } from '../shared/bundles';
import { dosesOf } from '../shared/doses';
import { formatDate, type Lang, translator, useLang } from '../shared/i18n';
import { LangSwitch } from '../shared/LangSwitch';
import { openPdf } from '../shared/pdf';
import { registerServiceWorker } from '../shared/pwa';
import { type AppDb, openAppDb } from '../shared/store';
import { reasonMark, VerdictIcon } from '../shared/VerdictIcon';
import { messages } from './messages';
import { type DayTokens, LOW_TOKENS, mergeBatches, parseBatches, takeToken } from './tokens';
import '../shared/styles.css';

configureQrReader({ wasmUrl: zxingReaderWasm });
configureQrWriter({ wasmUrl: zxingWriterWasm });

type T = ReturnType<typeof translator<typeof messages>>;

export interface WalletCert {
  id: string;
  personId?: string;
  name: string;
  relation: 'self' | 'family' | 'imported';
  /** `HC1:` text, or `shc:/` text for a SMART Health Card. */
  text: string;
  /** The authority's device binding (base64 COSE), when this phone is bound to the certificate. */
  binding?: string;
}

interface Session {
  token: string;
  contact: string;
}

async function api<R>(path: string, session: Session | undefined, body?: unknown): Promise<R> {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(session ? { Authorization: `Bearer ${session.token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json().catch(() => ({}))) as R & { code?: string; message?: string };
  if (!response.ok) throw new Error(json.message ?? json.code ?? `HTTP ${response.status}`);
  return json;
}

function Login({ onLogin, t }: { onLogin: (s: Session) => void; t: T }) {
  const [contact, setContact] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string>();
  const fail = (e: unknown) =>
    setError(
      e instanceof TypeError ? t('login.offline') : t('login.failed', { error: (e as Error).message }),
    );
  return (
    <form
      class="card"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        try {
          if (!sent) {
            await api('/v1/auth/otp', undefined, { contact });
            setSent(true);
          } else {
            const { token } = await api<{ token: string }>('/v1/auth/otp/verify', undefined, {
              contact,
              code,
            });
            onLogin({ token, contact });
          }
        } catch (err) {
          fail(err);
        }
      }}
    >
      <h2>{t('login.title')}</h2>
      <label>
        {t('login.contact')}
        <input
          required
          value={contact}
          onInput={(e) => setContact(e.currentTarget.value)}
          autocomplete="username"
        />
      </label>
      {sent && (
        <>
          <p role="status">{t('login.sent')}</p>
          <label>
            {t('login.code')}
            <input
              required
              inputMode="numeric"
              pattern="[0-9]{6}"
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
              autocomplete="one-time-code"
            />
          </label>
        </>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button class="primary" type="submit">
        {sent ? t('login.verify') : t('login.send')}
      </button>
    </form>
  );
}

/**
 * Takes today's next single-use check-in token from storage, in one IndexedDB transaction so that two QR drawings
 * never take the same one.
 */
async function takeStoredToken(db: AppDb, today: string): Promise<{ token?: string; remaining: number }> {
  const tx = db.transaction('settings', 'readwrite');
  const taken = takeToken(parseBatches(await tx.store.get('tokenBatches')), today);
  await tx.store.put(taken.batches, 'tokenBatches');
  await tx.done;
  return taken;
}

/** The certificate's own standard text: `HC1:` as stored, or the `shc:/` QR text of a SMART Health Card JWS. */
function standardText(cert: WalletCert): string {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(cert.text) ? shcNumeric(cert.text) : cert.text;
}

/** Whether the certificate is a SMART Health Card (stored as a JWS or as `shc:/` text). */
const isShc = (cert: WalletCert) => !cert.text.startsWith('HC1:');

/**
 * The QR at the door. By default the device-bound presentation (`GLP1:`) when this phone is bound to the certificate;
 * with `standard`, the plain `HC1:` or `shc:/` code that verifiers abroad read (the holder is warned first).
 */
function PresentationQr({
  db,
  cert,
  t,
  onTokensLow,
  standard = false,
}: {
  db: AppDb;
  cert: WalletCert;
  t: T;
  /** Called when today's tokens run low (or out): the wallet fetches a fresh batch if it is online. */
  onTokensLow?: () => void;
  standard?: boolean;
}) {
  const [svg, setSvg] = useState<string>();
  const [secondsLeft, setSecondsLeft] = useState(SLOT_SECONDS);
  useEffect(() => {
    let cancelled = false;
    const draw = async () => {
      const now = new Date();
      // A SMART Health Card downloaded as a JWS is shown as its shc:/ numeric QR text.
      let text = standardText(cert);
      const keys = (await db.get('settings', 'deviceKey')) as CryptoKeyPair | undefined;
      if (cert.binding && keys && !standard) {
        // Each QR image gets a token of its own: a check-in token is used once per 15-second drawing.
        const { token, remaining } = await takeStoredToken(db, kstDate(now));
        if (remaining <= LOW_TOKENS) onTokensLow?.();
        text = await createPresentation({
          certificate: cert.text,
          binding: base64ToBytes(cert.binding),
          deviceKey: keys.privateKey,
          now,
          ...(token ? { token: base64ToBytes(token) } : {}),
        });
      }
      const image = await qrSvg(text);
      if (!cancelled) setSvg(image);
    };
    void draw();
    const timer = setInterval(() => {
      const left = SLOT_SECONDS - (Math.floor(Date.now() / 1000) % SLOT_SECONDS);
      setSecondsLeft(left);
      if (left === SLOT_SECONDS) void draw();
    }, 1000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [db, cert, onTokensLow, standard]);
  return (
    <div class={standard ? 'pass-card standard' : 'pass-card'}>
      <div
        class="qr"
        role="img"
        aria-label={
          standard ? t('standard.label', { name: cert.name }) : t('pass.label', { name: cert.name })
        }
        dangerouslySetInnerHTML={{ __html: svg ?? '' }}
      />
      {standard ? (
        <p>{t('standard.shown')}</p>
      ) : cert.binding ? (
        <p>
          {t('pass.changes')} <span aria-live="off">{t('pass.nextIn', { n: secondsLeft })}</span>
        </p>
      ) : (
        <p>{t('pass.paper')}</p>
      )}
    </div>
  );
}

/** The holder's view of a pass: decided as a scanner would, but without a venue and without a device proof. */
function useHolderDecision(text: string, bundles: DecisionBundles): Decision | undefined {
  const [decision, setDecision] = useState<Decision>();
  useEffect(() => {
    let cancelled = false;
    void decide(text, bundles, { now: new Date(), purpose: 'holder' }).then((d) => {
      if (!cancelled) setDecision(d);
    });
    return () => {
      cancelled = true;
    };
  }, [text, bundles]);
  return decision;
}

const KINDS: Record<string, string> = {
  vaccination: 'pass.vaccination',
  test: 'pass.test',
  recovery: 'pass.recovery',
  exemption: 'pass.exemption',
};

function CertSummary({
  cert,
  bundles,
  t,
  lang,
}: {
  cert: WalletCert;
  bundles: DecisionBundles;
  t: T;
  lang: Lang;
}) {
  const decision = useHolderDecision(cert.text, bundles);
  if (!decision) return null;
  const today = kstDate(new Date());
  const kind = decision.format === 'shc' ? 'pass.shc' : KINDS[decision.certificateType];
  const doses = dosesOf(decision);
  const unchecked = decision.reasons.some((r) => r.code === 'TRUST_MISSING' || r.code === 'RULES_MISSING');
  const { verdict, validity } = decision;
  const usable = verdict !== 'fail';
  const last = doses[doses.length - 1];
  const beyondSeries = last?.dn !== undefined && last.sd !== undefined && last.dn > last.sd;
  return (
    <div class="summary" data-verdict={unchecked ? 'unchecked' : verdict}>
      <p class="kind">{kind ? t(kind) : ''}</p>
      {doses.length > 0 && (
        <ul class="doses-list">
          {doses.map((d, i) => (
            <li key={`${d.date}-${i}`}>
              {d.dn !== undefined && d.sd !== undefined && !Number.isNaN(d.dn)
                ? t('pass.doses', { dn: d.dn, sd: d.sd, date: formatDate(d.date.slice(0, 10), lang) })
                : t('pass.dose', { n: i + 1, date: formatDate(d.date.slice(0, 10), lang) })}{' '}
              · {d.product}
            </li>
          ))}
        </ul>
      )}
      {unchecked ? (
        <p class="holder-status unchecked">{t('status.unchecked')}</p>
      ) : (
        <p class={`holder-status ${verdict}`}>
          <VerdictIcon verdict={verdict} />
          {t(`status.${verdict}`)}
        </p>
      )}
      {!unchecked && usable && (
        <p class="validity ok">
          {validity?.until
            ? t('pass.validUntil', { date: formatDate(validity.until, lang) })
            : validity?.from && beyondSeries && verdict === 'pass'
              ? t('pass.booster')
              : validity?.from && verdict === 'pass'
                ? t('pass.noExpiry')
                : ''}
        </p>
      )}
      {!unchecked && validity?.from && validity.from > today && (
        <p>{t('pass.validFrom', { date: formatDate(validity.from, lang) })}</p>
      )}
      {!unchecked && verdict !== 'pass' && decision.reasons.length > 0 && (
        <ul class="reasons marked">
          {decision.reasons.map((r) => (
            <li key={`${r.code}-${r.source ?? ''}`}>
              <span class="mark" aria-hidden="true">
                {reasonMark(r.code)}
              </span>
              {r.text[lang] ?? r.text.en}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Wallet({
  db,
  session,
  onLogout,
  t,
  lang,
}: {
  db: AppDb;
  session?: Session;
  onLogout: () => void;
  t: T;
  lang: Lang;
}) {
  const [certs, setCerts] = useState<WalletCert[]>([]);
  const [shown, setShown] = useState<WalletCert>();
  /** The "show standard code" steps: the warning first, then the plain code; undefined is the bound default. */
  const [standardStep, setStandardStep] = useState<'warn' | 'shown'>();
  // A key and its values, not a rendered string, so the message follows a change of language.
  const [message, setMessage] = useState<[string, Record<string, string | number>?]>();
  const [pasted, setPasted] = useState('');
  const [bundles, setBundles] = useState<DecisionBundles>({});

  // The signed bundles, as a scanner has them: fetched when online (a revocation shows at the next sync), the last
  // good ones kept for offline use. The publication keys are kept from the first fetch.
  const syncBundles = useCallback(async () => {
    let keys = (await db.get('settings', 'publicationKeys')) as JWK[] | undefined;
    if (!keys) {
      try {
        const response = await fetch(PUBLICATION_KEYS_URL);
        if (response.ok) {
          keys = ((await response.json()) as { keys: JWK[] }).keys;
          await db.put('settings', keys, 'publicationKeys');
        }
      } catch {
        // Offline before the first sync: the passes show as not checked yet.
      }
    }
    if (!keys) return;
    setBundles(await loadDecisionBundles(db, keys));
    setBundles((await syncDecisionBundles(db, keys)).bundles);
  }, [db]);

  // A fresh batch of single-use check-in tokens replaces each day's stored batch (see tokens.ts).
  const fetchTokens = useCallback(async () => {
    if (!session) return;
    const { days } = await api<{ days: DayTokens[] }>('/v1/me/checkin-tokens', session);
    const tx = db.transaction('settings', 'readwrite');
    const stored = parseBatches(await tx.store.get('tokenBatches'));
    await tx.store.put(mergeBatches(stored, days, kstDate(new Date())), 'tokenBatches');
    // The single daily token that earlier versions kept.
    await tx.store.delete('tokens');
    await tx.done;
  }, [db, session]);

  // When today's tokens run low at the door: one fetch at a time, at most once a minute, silently when offline.
  const lastTokenFetch = useRef(0);
  const refillTokens = useCallback(() => {
    if (!session || Date.now() - lastTokenFetch.current < 60_000) return;
    lastTokenFetch.current = Date.now();
    void fetchTokens().catch(() => undefined);
  }, [session, fetchTokens]);

  const reload = useCallback(async () => {
    setCerts(((await db.get('settings', 'certificates')) as WalletCert[] | undefined) ?? []);
  }, [db]);

  const download = useCallback(async () => {
    if (!session) return;
    try {
      let keys = (await db.get('settings', 'deviceKey')) as CryptoKeyPair | undefined;
      if (!keys) {
        keys = await generateDeviceKey();
        await db.put('settings', keys, 'deviceKey');
      }
      const publicKey = bytesToBase64url(await exportDevicePublicKey(keys.publicKey));
      const { certificates } = await api<{ certificates: Omit<WalletCert, 'binding'>[] }>(
        '/v1/me/certificates',
        session,
      );
      const { bindings } = await api<{ bindings: Record<string, string> }>('/v1/me/devices', session, {
        publicKey,
      });
      await fetchTokens();
      const imported = (
        ((await db.get('settings', 'certificates')) as WalletCert[] | undefined) ?? []
      ).filter((c) => c.relation === 'imported');
      const saved = certificates.map((c) => ({
        ...c,
        ...(bindings[c.id] ? { binding: bindings[c.id] } : {}),
      }));
      await db.put('settings', [...saved, ...imported], 'certificates');
      await syncBundles();
      setMessage(['certs.downloaded', { n: saved.length }]);
      await reload();
    } catch (e) {
      setMessage(['certs.downloadFailed', { error: (e as Error).message }]);
    }
  }, [db, session, reload, syncBundles, fetchTokens, t]);

  useEffect(() => {
    void reload()
      .then(() => syncBundles())
      .then(() => download());
  }, [reload, download, syncBundles]);

  const addImported = async (text: string) => {
    try {
      const trimmed = text.trim();
      let name = '';
      if (trimmed.startsWith('HC1:')) {
        const holder = decodeHc1(trimmed).claims.hcert.nam as { gn?: string; fn?: string } | undefined;
        name = [holder?.gn, holder?.fn].filter(Boolean).join(' ');
      } else {
        extractShcJws(trimmed);
        // The card's own holder name, when its signature holds; else the kind of card.
        const decision = await decide(trimmed, bundles, { now: new Date(), purpose: 'holder' });
        name = decision.holder?.name || t('pass.shc');
      }
      const cert: WalletCert = { id: crypto.randomUUID(), name, relation: 'imported', text: trimmed };
      await db.put('settings', [...certs, cert], 'certificates');
      setMessage(['import.added']);
      setPasted('');
      await reload();
    } catch {
      setMessage(['import.failed']);
    }
  };

  if (shown) {
    const downloadCardFile = () => {
      // The file is built on the phone from the stored card, so it works offline too (SHC spec, "via File Download").
      const file = JSON.stringify({ verifiableCredential: extractShcJws(shown.text).jws });
      const href = URL.createObjectURL(new Blob([file], { type: 'application/smart-health-card' }));
      const link = document.createElement('a');
      link.href = href;
      link.download = 'greenlight.smart-health-card';
      link.click();
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
    };
    return (
      <section class="card">
        <h2>{shown.name}</h2>
        <CertSummary cert={shown} bundles={bundles} t={t} lang={lang} />
        {standardStep === 'warn' ? (
          <div class="standard-warning" role="alertdialog" aria-labelledby="standard-title">
            <h3 id="standard-title">{t('standard.title')}</h3>
            <p>{t('standard.when')}</p>
            <p>
              <strong>{t('standard.risk')}</strong>
            </p>
            <div class="row">
              <button type="button" class="primary" onClick={() => setStandardStep('shown')}>
                {t('standard.confirm')}
              </button>
              <button type="button" onClick={() => setStandardStep(undefined)}>
                {t('standard.cancel')}
              </button>
            </div>
          </div>
        ) : (
          <PresentationQr
            db={db}
            cert={shown}
            t={t}
            onTokensLow={refillTokens}
            standard={standardStep === 'shown'}
          />
        )}
        {shown.binding && standardStep === undefined && (
          <p>
            <button type="button" onClick={() => setStandardStep('warn')}>
              {t('standard.show')}
            </button>
          </p>
        )}
        {standardStep === 'shown' && (
          <p>
            <button type="button" class="primary" onClick={() => setStandardStep(undefined)}>
              {t('standard.back')}
            </button>
          </p>
        )}
        {shown.relation !== 'imported' && session && (
          <p>
            <button
              type="button"
              onClick={() =>
                openPdf(`/v1/me/certificates/${encodeURIComponent(shown.id)}/pass.pdf`, session.token).catch(
                  (e) => setMessage(['certs.downloadFailed', { error: (e as Error).message }]),
                )
              }
            >
              {t('pass.pdf')}
            </button>
          </p>
        )}
        {isShc(shown) && (
          <p>
            <button type="button" onClick={downloadCardFile}>
              {t('pass.shcFile')}
            </button>
          </p>
        )}
        <button
          type="button"
          onClick={() => {
            setStandardStep(undefined);
            setShown(undefined);
          }}
        >
          {t('pass.back')}
        </button>
      </section>
    );
  }
  return (
    <>
      {message && (
        <p class="status" role="status">
          {t(message[0], message[1])}
        </p>
      )}
      <section class="card">
        <h2>{t('certs.title')}</h2>
        {certs.length === 0 && <p>{t('certs.none')}</p>}
        <ul class="cert-list">
          {certs.map((c) => (
            <li key={c.id}>
              <strong>{c.name}</strong> {c.relation === 'family' ? `(${t('certs.family')})` : ''}
              <CertSummary cert={c} bundles={bundles} t={t} lang={lang} />
              <button type="button" class="primary" onClick={() => setShown(c)}>
                {t('pass.show')}
              </button>
            </li>
          ))}
        </ul>
        {session && (
          <div class="row">
            <button type="button" onClick={() => void download()}>
              {t('certs.refresh')}
            </button>
            <button type="button" onClick={onLogout}>
              {t('logout')}
            </button>
          </div>
        )}
      </section>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void addImported(pasted);
        }}
      >
        <h2>{t('import.title')}</h2>
        <label>
          {t('import.text')}
          <input value={pasted} onInput={(e) => setPasted(e.currentTarget.value)} spellcheck={false} />
        </label>
        <label>
          {t('import.image')}
          <input
            type="file"
            accept="image/*"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              if (!file) return;
              const codes = await readQrImage(new Uint8Array(await file.arrayBuffer())).catch(() => []);
              if (codes[0]) await addImported(codes.join('\n'));
              else setMessage(['import.noQr']);
            }}
          />
        </label>
        <button type="submit" disabled={!pasted}>
          {t('import.add')}
        </button>
      </form>
    </>
  );
}

/**
 * Logout ends the session on the server too (`POST /v1/auth/logout`), so the token is useless from then on. Offline,
 * the token waits in the settings store and is revoked the next time the wallet opens online.
 */
async function revokeOnServer(db: AppDb, session: Session): Promise<void> {
  const response = await fetch('/v1/auth/logout', {
    method: 'POST',
    headers: { Authorization: `Bearer ${session.token}` },
  }).catch(() => undefined);
  // 200: revoked now; 401: the server has no such session any more. Anything else (offline, 5xx): try again later.
  if (response && (response.ok || response.status === 401)) await db.delete('settings', 'revokeLater');
  else await db.put('settings', session, 'revokeLater');
}

function App() {
  const lang = useLang();
  const t = translator(messages, lang);
  const [db, setDb] = useState<AppDb>();
  const [session, setSession] = useState<Session | null>();
  useEffect(() => {
    void openAppDb('wallet').then(async (d) => {
      setDb(d);
      setSession(((await d.get('settings', 'session')) as Session | undefined) ?? null);
      const pending = (await d.get('settings', 'revokeLater')) as Session | undefined;
      if (pending && navigator.onLine) await revokeOnServer(d, pending);
    });
  }, []);
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);
  return (
    <main class="app wallet">
      <header>
        <h1>{t('app.title')}</h1>
        <LangSwitch />
      </header>
      {db && session === null && (
        <>
          <Login
            t={t}
            onLogin={async (s) => {
              await db.put('settings', s, 'session');
              setSession(s);
            }}
          />
          <Wallet db={db} onLogout={() => undefined} t={t} lang={lang} />
        </>
      )}
      {db && session && (
        <Wallet
          db={db}
          session={session}
          t={t}
          lang={lang}
          onLogout={async () => {
            await db.delete('settings', 'session');
            setSession(null);
            await revokeOnServer(db, session);
          }}
        />
      )}
    </main>
  );
}

registerServiceWorker();
render(<App />, document.getElementById('app') as HTMLElement);
