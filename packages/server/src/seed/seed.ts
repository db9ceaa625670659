/** The demo registry of a fresh install: synthetic people (Korean and English names), doses, venues, a partner. */
import { randomBytes } from 'node:crypto';
import { personName } from '@greenlight/codec';
import { uuidv7 } from 'uuidv7';
import { writeAudit } from '../audit.ts';
import { hashSecret } from '../auth/partners.ts';
import type { Db } from '../db/types.ts';
import { checkRow, isRowError, type RegistryRecord, type RowFields } from '../registry/record.ts';
import { linkGuardians, writeBatch } from '../registry/writer.ts';

/** mulberry32: small, fast and the same on every machine, so the demo registry is the same everywhere. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KOREAN_FAMILY = [
  '김',
  '이',
  '박',
  '최',
  '정',
  '강',
  '조',
  '윤',
  '장',
  '임',
  '한',
  '오',
  '서',
  '신',
  '권',
];
const KOREAN_GIVEN = [
  '민준',
  '서연',
  '도윤',
  '서윤',
  '하준',
  '지우',
  '시우',
  '하은',
  '주원',
  '지호',
  '수아',
  '예준',
  '지민',
  '유진',
  '현우',
];
const ENGLISH_FAMILY = [
  'Smith',
  'Johnson',
  'Brown',
  'Taylor',
  'Wilson',
  'Davies',
  'Evans',
  'Thomas',
  'Roberts',
  'Walker',
];
const ENGLISH_GIVEN = ['Olivia', 'Noah', 'Amelia', 'Liam', 'Emma', 'Oliver', 'Ava', 'James', 'Mia', 'Lucas'];
const PRODUCTS = ['EU/1/20/1528', 'EU/1/20/1528', 'EU/1/20/1507', 'EU/1/21/1529'];

export const DEMO_VENUES = [
  { name: '카페 하늘 Cafe Haneul', category: 'cafe', address: '서울 종로구 세종대로 1' },
  { name: '한강 식당 Hangang Restaurant', category: 'restaurant', address: '서울 마포구 월드컵로 10' },
  { name: '바다 피트니스 Bada Fitness', category: 'gym', address: '부산 해운대구 해운대로 5' },
  { name: '별빛 노래방 Byeolbit Karaoke', category: 'karaoke', address: '대구 중구 동성로 2' },
  { name: '시네마 세종 Cinema Sejong', category: 'cinema', address: '세종 한누리대로 3' },
];

export interface SeedOptions {
  people?: number;
  seed?: number;
  now?: () => Date;
}

export interface SeedResult {
  people: number;
  immunizations: number;
  venues: number;
  /** Holders to log in as (phone numbers that get the one-time code), with what each one shows (`shows`). */
  demoHolders: { externalId: string; name: string; phone: string; shows: string }[];
  partner: { clientId: string; clientSecret: string };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export async function isRegistryEmpty(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM people) AS any');
  return !rows[0]?.any;
}

export async function seedDemo(db: Db, options: SeedOptions = {}): Promise<SeedResult> {
  const random = prng(options.seed ?? 20211213);
  const count = options.people ?? 3000;
  const now = options.now?.() ?? new Date();
  const today = isoDate(now.getTime());
  const day = 86_400_000;
  const rows: RowFields[] = [];
  let guardian: string | undefined;
  // Demo logins that show the interesting cases: a booster (passes at any door), a parent with a child, and
  // someone with no doses (a red verdict, or a venue's solo-diner allowance).
  const showcase: { boosted?: string; parent?: string; unvaccinated?: string } = {};
  for (let i = 1; i <= count; i++) {
    const korean = random() < 0.8;
    const externalId = `KR-${String(i).padStart(7, '0')}`;
    // Every eighth person is a minor in the family of the adult before them.
    const minor = i % 8 === 0 && guardian !== undefined;
    const age = minor ? 5 + Math.floor(random() * 12) : 19 + Math.floor(random() * 70);
    const birthMs = now.getTime() - age * 365.25 * day - Math.floor(random() * 360) * day;
    const birth = isoDate(birthMs);
    const person: RowFields = {
      external_id: externalId,
      family_name: korean ? pick(random, KOREAN_FAMILY) : pick(random, ENGLISH_FAMILY),
      given_name: korean ? pick(random, KOREAN_GIVEN) : pick(random, ENGLISH_GIVEN),
      birth_date: birth,
      sex: random() < 0.5 ? 'female' : 'male',
      phone: minor
        ? ''
        : `+82-10-${String(1000 + Math.floor(i / 10000)).slice(-4)}-${String(i % 10000).padStart(4, '0')}`,
      guardian_external_id: minor ? guardian : '',
    };
    if (!minor) guardian = externalId;
    let doses = Math.floor(random() * 4); // 0 to 3
    const product = pick(random, PRODUCTS);
    // Vaccinated from age 12, never in the future.
    const first = Math.max(
      Date.parse('2021-03-01') + Math.floor(random() * 200) * day,
      birthMs + 12 * 366 * day,
    );
    if (first + (doses - 1) * 90 * day > now.getTime()) doses = 0;
    if (minor && guardian) showcase.parent ??= guardian;
    if (!minor && doses === 3) showcase.boosted ??= externalId;
    if (!minor && doses === 0) showcase.unvaccinated ??= externalId;
    if (doses === 0) rows.push(person);
    for (let dose = 1; dose <= doses; dose++) {
      rows.push({
        ...person,
        vaccine: product,
        dose_number: String(dose),
        series_total: String(Math.max(2, dose)),
        date: isoDate(first + (dose - 1) * 90 * day),
        country: 'KR',
        issuer: 'Korea Disease Control and Prevention Agency',
      });
    }
  }
  const records = rows
    .map((fields, index) => checkRow(fields, index + 1, today))
    .filter((record): record is RegistryRecord => !isRowError(record));
  let immunizations = 0;
  for (let i = 0; i < records.length; i += 5000) {
    const counts = await writeBatch(db, records.slice(i, i + 5000));
    immunizations += counts.immunizationsInserted;
  }
  await linkGuardians(db);

  for (const venue of DEMO_VENUES) {
    await db.query('INSERT INTO venues (id, name, category, address) VALUES ($1, $2, $3, $4)', [
      uuidv7(),
      venue.name,
      venue.category,
      venue.address,
    ]);
  }
  const partner = { clientId: 'demo-partner', clientSecret: randomBytes(24).toString('base64url') };
  await db.query(
    `INSERT INTO partner_clients (id, client_id, name, secret_hash, quota_per_minute) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (client_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash`,
    [uuidv7(), partner.clientId, 'Demo wallet partner', await hashSecret(partner.clientSecret), 600],
  );
  await writeAudit(db, {
    actor: 'system',
    action: 'seed.demo',
    details: { people: count, venues: DEMO_VENUES.length, partner: partner.clientId },
  });
  const adults = new Map(records.filter((record) => record.phone !== null).map((r) => [r.externalId, r]));
  const chosen = [showcase.boosted, showcase.parent, showcase.unvaccinated, ...adults.keys()]
    .filter((id): id is string => id !== undefined && adults.has(id))
    .filter((id, index, ids) => ids.indexOf(id) === index)
    .slice(0, 3)
    .map((id) => adults.get(id) as RegistryRecord);
  return {
    people: count,
    immunizations,
    venues: DEMO_VENUES.length,
    demoHolders: chosen.map((record) => ({
      shows:
        record.externalId === showcase.boosted
          ? 'booster: passes at every door'
          : record.externalId === showcase.parent
            ? 'a parent: also holds a child’s pass'
            : record.externalId === showcase.unvaccinated
              ? 'no doses: refused, or solo-only where allowed'
              : 'a holder',
      externalId: record.externalId,
      name: personName(record.familyName, record.givenName),
      phone: record.phone as string,
    })),
    partner,
  };
}
