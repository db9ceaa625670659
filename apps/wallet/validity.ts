/**
 * A pass's validity in plain words for its holder ("valid until 12 June", "booster: no expiry"). The verdict itself
 * comes from the rules (@greenlight/rules); these dates mirror the Korean policy's windows for display only.
 */
import { decodeHc1 } from '@greenlight/codec';
import { dayIso, kstDay } from '@greenlight/rules';
import type { Lang } from '../shared/i18n';

export interface ValidityWords {
  kind?: 'pass.vaccination' | 'pass.test' | 'pass.recovery' | 'pass.exemption' | 'pass.shc';
  detail?: string;
  /** KST dates, `YYYY-MM-DD`. */
  from?: string;
  until?: string;
  booster?: boolean;
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);

export function validityWords(text: string, _now: Date, lang: Lang): ValidityWords {
  if (!text.startsWith('HC1:')) return { kind: 'pass.shc' };
  let hcert: Record<string, unknown>;
  try {
    hcert = decodeHc1(text).claims.hcert;
  } catch {
    return {};
  }
  const first = (key: string) =>
    Array.isArray(hcert[key]) ? (hcert[key] as Record<string, unknown>[])[0] : undefined;
  const v = first('v');
  if (v) {
    const dn = Number(v.dn);
    const sd = Number(v.sd);
    const dt = String(v.dt ?? '');
    const detail = lang === 'ko' ? `${dn}/${sd}차 (${dt})` : `dose ${dn} of ${sd} (${dt})`;
    if (dn > sd || dn >= 3) return { kind: 'pass.vaccination', detail, from: dt.slice(0, 10), booster: true };
    return { kind: 'pass.vaccination', detail, from: addDays(dt, 14), until: addDays(dt, 193) };
  }
  const t = first('t');
  if (t) {
    const sc = Date.parse(String(t.sc));
    return { kind: 'pass.test', from: dayIso(kstDay(sc)), until: dayIso(kstDay(sc + 48 * 3600_000)) };
  }
  const r = first('r');
  if (r) {
    const du = String(r.du ?? '').slice(0, 10);
    const cap = addDays(String(r.fr ?? ''), 180);
    return { kind: 'pass.recovery', from: String(r.df ?? '').slice(0, 10), until: du < cap ? du : cap };
  }
  const e = first('e');
  if (e) return { kind: 'pass.exemption', from: String(e.df ?? ''), until: String(e.du ?? '') };
  return {};
}
