/** The desk's main screen: registry search with each person's actions, and the outage log. */
import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, type Lang } from '../../shared/i18n';
import { DeskError, type Outage, outageLog, type Person, searchPeople } from '../api';
import { PersonActions } from './PersonActions';
import type { T } from './types';

export function Desk({ token, t, lang }: { token: string; t: T; lang: Lang }) {
  const [query, setQuery] = useState('');
  const [people, setPeople] = useState<Person[]>();
  const [outages, setOutages] = useState<Outage[]>([]);
  // The words of the last message, rendered in the language on screen (it follows a change of language).
  const [message, setMessage] = useState<{ words: (t: T, lang: Lang) => string }>();
  const say = (words: (t: T, lang: Lang) => string) => setMessage({ words });
  const fail = (e: unknown) =>
    say((t, lang) =>
      e instanceof DeskError && e.reasons.length > 0
        ? e.reasons.map((r) => r.text[lang] ?? r.text.en ?? '').join(' ')
        : t('error', { error: (e as Error).message }),
    );

  useEffect(() => {
    void outageLog(token)
      .then((r) => setOutages(r.outages))
      .catch(fail);
  }, []);

  const load = async () => setPeople((await searchPeople(token, query)).people);
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
                    <PersonActions
                      person={p}
                      token={token}
                      t={t}
                      lang={lang}
                      say={say}
                      fail={fail}
                      reload={load}
                    />
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
