/** The desk for community-centre and authority staff: registry search, paper passes, stickers, revocation, outages. */
import '../shared/reflect-polyfill';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, type Lang, translator, useLang } from '../shared/i18n';
import { LangSwitch } from '../shared/LangSwitch';
import { openPdf, RefusedError } from '../shared/pdf';
import { registerServiceWorker } from '../shared/pwa';
import { messages } from './messages';
import '../shared/styles.css';

type T = ReturnType<typeof translator<typeof messages>>;

interface Person {
  id: string;
  name: string;
  birthDate: string;
  certificates: { id: string; kind: string; issuedAt: string; revoked: boolean }[];
}

interface Outage {
  id: string;
  startedAt: string;
  endedAt: string | null;
  source: 'probe' | 'staff';
  reason: string;
}

const TOKEN_KEY = 'greenlight.desk.token';

/**
 * Why the paper pass of this person must not be printed, as a message key; undefined when it may be. The paper
 * pass is the person's EU certificate (the server prints that one), so its revocation refuses the print.
 */
function printRefusal(person: Person): string | undefined {
  return person.certificates.some((c) => c.kind === 'dcc' && c.revoked) ? 'print.revoked' : undefined;
}

async function api<R>(path: string, token: string, body?: unknown): Promise<R> {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json().catch(() => ({}))) as R & { message?: string; code?: string };
  if (!response.ok) throw new Error(json.message ?? json.code ?? `HTTP ${response.status}`);
  return json;
}

function Desk({ token, t, lang }: { token: string; t: T; lang: Lang }) {
  const [query, setQuery] = useState('');
  const [people, setPeople] = useState<Person[]>();
  const [outages, setOutages] = useState<Outage[]>([]);
  // The words of the last message, rendered in the language on screen (it follows a change of language).
  const [message, setMessage] = useState<{ words: (t: T, lang: Lang) => string }>();
  const say = (words: (t: T, lang: Lang) => string) => setMessage({ words });
  const fail = (e: unknown) =>
    e instanceof RefusedError
      ? say((t, lang) =>
          [
            t('print.refused'),
            ...e.reasons.map((r) => r.text[lang] ?? r.text.en ?? ''),
            t('print.reissue'),
          ].join(' '),
        )
      : say((t) => t('error', { error: (e as Error).message }));

  const loadOutages = () =>
    api<{ outages: Outage[] }>('/v1/outages/log', token)
      .then((r) => setOutages(r.outages))
      .catch(fail);
  useEffect(() => {
    void loadOutages();
  }, []);

  const kindIn = (t: T, kind: string) => (kind === 'dcc' || kind === 'shc' ? t(`kind.${kind}`) : kind);
  const kindName = (kind: string) => kindIn(t, kind);
  const load = async () =>
    setPeople(
      (await api<{ people: Person[] }>(`/v1/registry/people?q=${encodeURIComponent(query)}`, token)).people,
    );
  const search = async (event: Event) => {
    event.preventDefault();
    await load().catch(fail);
  };

  return (
    <>
      {message && (
        <p class="status" role="status">
          {message.words(t, lang)}
        </p>
      )}
      <form class="card" onSubmit={search}>
        <h2>{t('search.title')}</h2>
        <label>
          {t('search.query')}
          <input value={query} onInput={(e) => setQuery(e.currentTarget.value)} required minLength={2} />
        </label>
        <button class="primary" type="submit">
          {t('search.submit')}
        </button>
      </form>
      {people && (
        <section class="card">
          <h2>{t('results.title', { n: people.length })}</h2>
          <table>
            <thead>
              <tr>
                <th>{t('results.name')}</th>
                <th>{t('results.birthDate')}</th>
                <th>{t('results.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id}>
                  <td>{p.name}</td>
                  <td>{p.birthDate}</td>
                  <td>
                    {printRefusal(p) && (
                      <div class="refusal" role="note" data-refused="print">
                        <p>
                          <strong>{t('print.refused')}</strong> {t(printRefusal(p) as string)}
                        </p>
                        <p>{t('print.reissue')}</p>
                      </div>
                    )}
                    <div class="row">
                      {!printRefusal(p) && (
                        <button
                          type="button"
                          onClick={() => openPdf(`/v1/registry/people/${p.id}/pass.pdf`, token).catch(fail)}
                        >
                          {t('action.print')}
                        </button>
                      )}
                      <button
                        type="button"
                        onClick={() =>
                          api(`/v1/registry/people/${p.id}/stickers`, token, {})
                            .then(() => say((t) => t('action.stickerDone', { name: p.name })))
                            .catch(fail)
                        }
                      >
                        {t('action.sticker')}
                      </button>
                      {p.certificates.map((c) =>
                        c.revoked ? (
                          <span class="tag" key={c.id}>
                            {t('cert.revoked', { kind: kindName(c.kind) })}
                          </span>
                        ) : (
                          <button
                            type="button"
                            key={c.id}
                            onClick={() => {
                              const reason = prompt(t('action.revokeReason'));
                              if (!reason) return;
                              void api(`/v1/certificates/${c.id}/revoke`, token, { reason })
                                .then(() => say((t) => t('action.revokeDone', { kind: kindIn(t, c.kind) })))
                                .then(load)
                                .catch(fail);
                            }}
                          >
                            {t('action.revoke', { kind: kindName(c.kind) })}
                          </button>
                        ),
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section class="card">
        <h2>{t('outages.title')}</h2>
        {outages.length === 0 ? (
          <p>{t('outages.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('outages.from')}</th>
                <th>{t('outages.to')}</th>
                <th>{t('outages.source')}</th>
              </tr>
            </thead>
            <tbody>
              {outages.map((o) => (
                <tr key={o.id}>
                  <td>{formatDateTime(o.startedAt, lang)}</td>
                  <td>{o.endedAt ? formatDateTime(o.endedAt, lang) : t('outages.ongoing')}</td>
                  <td>{`${o.source === 'probe' ? t('outages.probe') : t('outages.staff')}: ${o.reason}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function App() {
  const lang = useLang();
  const t = translator(messages, lang);
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [draft, setDraft] = useState('');
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);
  return (
    <main class="app desk">
      <header>
        <h1>{t('app.title')}</h1>
        <LangSwitch />
      </header>
      {token ? (
        <Desk token={token} t={t} lang={lang} />
      ) : (
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            sessionStorage.setItem(TOKEN_KEY, draft);
            setToken(draft);
          }}
        >
          <h2>{t('login.title')}</h2>
          <label>
            {t('login.token')}
            <input type="password" required value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
          </label>
          <button class="primary" type="submit">
            {t('login.submit')}
          </button>
        </form>
      )}
    </main>
  );
}

registerServiceWorker();
render(<App />, document.getElementById('app') as HTMLElement);
