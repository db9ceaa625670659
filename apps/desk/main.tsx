/**
 * The desk for community-centre and authority staff: registry search, paper passes (with reissue), stickers,
 * revocation, outages. This file logs staff in and mounts the desk screen.
 */
import '../shared/reflect-polyfill';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { translator, useLang } from '../shared/i18n';
import { LangSwitch } from '../shared/LangSwitch';
import { registerServiceWorker } from '../shared/pwa';
import { messages } from './messages';
import { Desk } from './screens/Desk';
import '../shared/styles.css';
import './desk.css';

const TOKEN_KEY = 'greenlight.desk.token';

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
