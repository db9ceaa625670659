/**
 * The printable paper pass (pdf-lib): the certificate's QR (an EU DCC as `HC1:`, or a SMART Health Card as
 * `shc:/`), the holder's name and date of birth, what it certifies and until when, in Korean and English, in
 * Pretendard (OFL-1.1), which covers Hangul and Latin.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  configureQrWriter,
  decodeHc1,
  type Hcert,
  hcertHolder,
  inflatePayload,
  parseCompactJws,
  parseShcClaims,
  qrPng,
  shcQrText,
} from '@greenlight/codec';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';

const require = createRequire(import.meta.url);
/**
 * Pretendard's contextual alternates substitute glyphs (after '-' and ':') that pdf-lib then places with the wrong
 * advance: plain glyphs only. The font is embedded whole (about 1 MB compressed per weight): pdf-lib's subsetter
 * (@pdf-lib/fontkit 1.1.1) drops most of this font's glyphs, which a test with pdftoppm made visible.
 */
const TEXT_FEATURES = { calt: false, case: false, liga: false, ss01: false, tnum: false };
let fonts: { regular: Uint8Array; bold: Uint8Array } | undefined;
let qrWriterReady = false;

/** The QR writer's wasm, from node_modules, loaded the first time a pass is drawn (never downloaded). */
function ensureQrWriter(): void {
  if (qrWriterReady) return;
  const bytes = readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm'));
  configureQrWriter({
    wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  });
  qrWriterReady = true;
}

function fontBytes() {
  fonts ??= {
    regular: new Uint8Array(
      readFileSync(require.resolve('pretendard/dist/public/static/alternative/Pretendard-Regular.ttf')),
    ),
    bold: new Uint8Array(
      readFileSync(require.resolve('pretendard/dist/public/static/alternative/Pretendard-Bold.ttf')),
    ),
  };
  return fonts;
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The lines that say what the pass certifies, in both languages; the verdict at the door comes from the rules. */
export function passLines(hcert: Hcert): { ko: string; en: string }[] {
  const v = Array.isArray(hcert.v) ? (hcert.v[0] as Record<string, unknown>) : undefined;
  if (v) {
    const dn = Number(v.dn);
    const sd = Number(v.sd);
    const dt = String(v.dt ?? '').slice(0, 10);
    const booster = dn > sd || dn >= 3;
    return [
      { ko: `예방접종 ${dn}/${sd}차 (${dt})`, en: `Vaccination, dose ${dn} of ${sd} (${dt})` },
      booster
        ? { ko: '추가접종: 유효기간 없음', en: 'Booster: no expiry' }
        : {
            ko: `${addDays(dt, 14)}부터 ${addDays(dt, 193)}까지 유효`,
            en: `Valid from ${addDays(dt, 14)} to ${addDays(dt, 193)}`,
          },
    ];
  }
  const t = Array.isArray(hcert.t) ? (hcert.t[0] as Record<string, unknown>) : undefined;
  if (t) return [{ ko: `PCR 검사 (${String(t.sc)})`, en: `PCR test (${String(t.sc)})` }];
  const r = Array.isArray(hcert.r) ? (hcert.r[0] as Record<string, unknown>) : undefined;
  if (r)
    return [
      { ko: `완치 (${String(r.df)}–${String(r.du)})`, en: `Recovery (${String(r.df)} to ${String(r.du)})` },
    ];
  return [];
}

/**
 * In Pretendard as pdf-lib lays it out, an ASCII hyphen or colon is followed by a wide gap: hyphens become the
 * typographic hyphen (U+2010, same look) and a label's colon becomes a middle dot.
 */
const typeset = (text: string) => text.replace(/-/g, '\u2010').replace(/:/g, ' ·');

/** What one pass shows: the QR text, the holder, the lines of what it certifies, and its expiry if any. */
interface PassContent {
  qrText: string;
  name: string;
  dateOfBirth: string;
  lines: { ko: string; en: string }[];
  expiresAt?: Date;
  /** The standard the QR follows, named on the pass so that a verifier abroad knows which app reads it. */
  standard: { ko: string; en: string };
}

function hc1Content(hc1: string): PassContent {
  const { claims } = decodeHc1(hc1);
  const holder = hcertHolder(claims.hcert);
  return {
    qrText: hc1,
    name: holder.name,
    dateOfBirth: holder.dateOfBirth,
    lines: passLines(claims.hcert),
    ...(claims.expiresAt ? { expiresAt: claims.expiresAt } : {}),
    standard: { ko: 'EU 디지털 코로나19 증명서', en: 'EU Digital COVID Certificate' },
  };
}

type FhirResource = Record<string, unknown>;

/**
 * The lines of a SMART Health Card's immunizations, in both languages: the number of doses and the latest date.
 * The card itself is read, not verified: the issuer signed it moments ago from the same record.
 */
export function shcPassLines(fhirBundle: unknown): { ko: string; en: string }[] {
  const entries = ((fhirBundle as { entry?: { resource?: FhirResource }[] })?.entry ?? []).map(
    (e) => e.resource ?? {},
  );
  const dates = entries
    .filter((r) => r.resourceType === 'Immunization' && r.status === 'completed')
    .map((r) => String(r.occurrenceDateTime ?? '').slice(0, 10))
    .sort();
  if (dates.length === 0) return [];
  const latest = dates[dates.length - 1];
  return [
    {
      ko: `예방접종 ${dates.length}회 (최근 ${latest})`,
      en: `Vaccinated, ${dates.length} dose${dates.length === 1 ? '' : 's'} (latest ${latest})`,
    },
  ];
}

function shcContent(jws: string): PassContent {
  const parsed = parseCompactJws(jws);
  const claims = parseShcClaims(JSON.parse(new TextDecoder().decode(inflatePayload(parsed.rawPayload))));
  const entries = (
    (claims.vc.credentialSubject.fhirBundle as { entry?: { resource?: FhirResource }[] })?.entry ?? []
  ).map((e) => e.resource ?? {});
  const patient = entries.find((r) => r.resourceType === 'Patient') ?? {};
  const name = ((patient.name as { family?: string; given?: string[] }[] | undefined) ?? [])[0] ?? {};
  const family = name.family ?? '';
  const given = (name.given ?? []).join(' ');
  // Hangul names are written family name first, without a space; Latin ones given name first.
  const fullName = /[\u3131-\uD79D]/.test(family)
    ? `${family}${given}`
    : [given, family].filter(Boolean).join(' ');
  return {
    qrText: shcQrText(jws),
    name: fullName,
    dateOfBirth: String(patient.birthDate ?? ''),
    lines: shcPassLines(claims.vc.credentialSubject.fhirBundle),
    ...(claims.exp ? { expiresAt: new Date(claims.exp * 1000) } : {}),
    standard: { ko: 'SMART Health Card', en: 'SMART Health Card' },
  };
}

/**
 * The paper pass of a certificate: `HC1:` text (EU DCC, QR at level Q) or an SMART Health Card compact JWS (QR
 * `shc:/` at level L, at most version 22). One A5 page.
 */
export async function paperPassPdf(text: string, options: { issuedAt?: Date } = {}): Promise<Uint8Array> {
  const content = text.startsWith('HC1:') ? hc1Content(text) : shcContent(text);
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle(`Greenlight pass — ${content.name}`);
  doc.setLanguage('ko-KR');
  doc.setCreator('Greenlight');
  if (options.issuedAt) doc.setCreationDate(options.issuedAt);
  const { regular, bold } = fontBytes();
  const font = await doc.embedFont(regular, { subset: false, features: TEXT_FEATURES });
  const heavy = await doc.embedFont(bold, { subset: false, features: TEXT_FEATURES });
  const page = doc.addPage([419.53, 595.28]); // A5 portrait
  const { width, height } = page.getSize();
  const ink = rgb(0.1, 0.1, 0.1);
  const green = rgb(0.04, 0.48, 0.24);

  page.drawRectangle({ x: 0, y: height - 64, width, height: 64, color: green });
  page.drawText(typeset('Greenlight 방역패스 · COVID-19 pass'), {
    x: 28,
    y: height - 40,
    size: 18,
    font: heavy,
    color: rgb(1, 1, 1),
  });

  ensureQrWriter();
  const qr = await doc.embedPng(await qrPng(content.qrText));
  const size = 250;
  page.drawImage(qr, { x: (width - size) / 2, y: height - 96 - size, width: size, height: size });
  const { ko, en } = content.standard;
  page.drawText(typeset(ko === en ? en : `${ko} / ${en}`), {
    x: 28,
    y: height - 96 - size - 14,
    size: 9,
    font,
    color: rgb(0.3, 0.3, 0.3),
    maxWidth: width - 56,
  });

  let y = height - 96 - size - 40;
  page.drawText(content.name, { x: 28, y, size: 20, font: heavy, color: ink });
  y -= 22;
  page.drawText(typeset(`생년월일 / Date of birth: ${content.dateOfBirth}`), {
    x: 28,
    y,
    size: 12,
    font,
    color: ink,
  });
  y -= 28;
  for (const line of content.lines) {
    page.drawText(typeset(line.ko), { x: 28, y, size: 13, font: heavy, color: ink });
    y -= 17;
    page.drawText(typeset(line.en), { x: 28, y, size: 11, font, color: ink });
    y -= 24;
  }
  const notes = [
    '입장 시 신분증과 함께 보여 주세요. 종이 증명서는 기기에 연결되어 있지 않습니다.',
    'Show with a photo ID. A paper pass is not bound to a phone, so staff check your ID.',
    content.expiresAt
      ? `증명서 만료 / Certificate expires: ${content.expiresAt.toISOString().slice(0, 10)}`
      : '',
  ].filter(Boolean);
  y = 40 + notes.length * 14;
  for (const note of notes) {
    page.drawText(typeset(note), {
      x: 28,
      y,
      size: 9,
      font,
      color: rgb(0.3, 0.3, 0.3),
      maxWidth: width - 56,
    });
    y -= 14;
  }
  return doc.save();
}
