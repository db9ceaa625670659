/** Korean and English for the three apps: chosen from the browser, switchable, remembered. */
import { useEffect, useState } from 'preact/hooks';

export type Lang = 'ko' | 'en';

const STORAGE_KEY = 'greenlight.lang';
const listeners = new Set<(lang: Lang) => void>();

export function initialLang(): Lang {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored === 'ko' || stored === 'en') return stored;
  const preferred = globalThis.navigator?.languages ?? [];
  return preferred.some((l) => l.toLowerCase().startsWith('ko')) ? 'ko' : 'en';
}

let current: Lang = initialLang();

export function setLang(lang: Lang): void {
  current = lang;
  globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  for (const listener of listeners) listener(lang);
}

/** The current language, re-rendering the component when it changes. */
export function useLang(): Lang {
  const [lang, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    document.documentElement.lang = current;
    return () => void listeners.delete(set);
  }, []);
  return lang;
}

export type Messages = Record<string, { ko: string; en: string }>;

/** `t('key', { n: 3 })` with `{n}` placeholders. Unknown keys show the key, so a gap is visible, not silent. */
export function translator<M extends Messages>(messages: M, lang: Lang) {
  return (key: string, vars: Record<string, string | number> = {}): string => {
    const entry = messages[key as keyof M];
    const text = entry ? entry[lang] : key;
    return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
  };
}

/** "12 June 2022" / "2022년 6월 12일", in Korea's time zone. */
export function formatDate(date: Date | string, lang: Lang): string {
  const d = typeof date === 'string' ? new Date(date.length === 10 ? `${date}T00:00:00+09:00` : date) : date;
  return new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', {
    timeZone: 'Asia/Seoul',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(d);
}

export function formatDateTime(date: Date | string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', {
    timeZone: 'Asia/Seoul',
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(typeof date === 'string' ? new Date(date) : date);
}
