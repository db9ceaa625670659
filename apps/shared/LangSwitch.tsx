/** The language switch every screen carries: a real button pair, labelled for screen readers. */
import { type Lang, setLang, useLang } from './i18n';

export function LangSwitch() {
  const lang = useLang();
  const option = (value: Lang, label: string) => (
    <button
      type="button"
      class={lang === value ? 'lang active' : 'lang'}
      aria-pressed={lang === value}
      lang={value}
      onClick={() => setLang(value)}
    >
      {label}
    </button>
  );
  return (
    <fieldset class="lang-switch">
      <legend class="sr-only">{lang === 'ko' ? '언어' : 'Language'}</legend>
      {option('ko', '한국어')}
      {option('en', 'English')}
    </fieldset>
  );
}
