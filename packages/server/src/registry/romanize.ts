/** Machine-readable names (DCC `fnt`/`gnt`, ICAO 9303): Hangul by Revised Romanization, Latin folded to A-Z and '<'. */

// Revised Romanization, letter by letter (no sound-change rules: names are romanized as written in registries).
const INITIALS = [
  'G',
  'KK',
  'N',
  'D',
  'TT',
  'R',
  'M',
  'B',
  'PP',
  'S',
  'SS',
  '',
  'J',
  'JJ',
  'CH',
  'K',
  'T',
  'P',
  'H',
];
const MEDIALS = [
  'A',
  'AE',
  'YA',
  'YAE',
  'EO',
  'E',
  'YEO',
  'YE',
  'O',
  'WA',
  'WAE',
  'OE',
  'YO',
  'U',
  'WO',
  'WE',
  'WI',
  'YU',
  'EU',
  'UI',
  'I',
];
const FINALS = [
  '',
  'K',
  'K',
  'K',
  'N',
  'N',
  'N',
  'T',
  'L',
  'K',
  'M',
  'L',
  'L',
  'L',
  'P',
  'L',
  'M',
  'P',
  'P',
  'T',
  'T',
  'NG',
  'T',
  'T',
  'K',
  'T',
  'P',
  'T',
];
/** Family names whose customary romanization differs from the letter-by-letter one. */
const FAMILY_NAMES: Record<string, string> = {
  김: 'KIM',
  강: 'KANG',
  고: 'KO',
  구: 'KOO',
  권: 'KWON',
  곽: 'KWAK',
  이: 'LEE',
  박: 'PARK',
  최: 'CHOI',
  정: 'JUNG',
  조: 'CHO',
  윤: 'YOON',
  임: 'LIM',
  오: 'OH',
  신: 'SHIN',
  류: 'RYU',
  노: 'NOH',
  우: 'WOO',
};

function romanizeHangul(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code >= 0xac00 && code <= 0xd7a3) {
      const index = code - 0xac00;
      out +=
        INITIALS[Math.floor(index / 588)] +
        (MEDIALS[Math.floor((index % 588) / 28)] as string) +
        FINALS[index % 28];
    } else {
      out += char;
    }
  }
  return out;
}

/** ICAO 9303 form: A-Z only, other characters as '<', at most `max` characters. */
export function transliterate(name: string, options: { family?: boolean } = {}, max = 80): string {
  const trimmed = name.trim();
  const roman =
    options.family && FAMILY_NAMES[trimmed] ? (FAMILY_NAMES[trimmed] as string) : romanizeHangul(trimmed);
  return roman
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]+/g, '<')
    .replace(/^<+|<+$/g, '')
    .slice(0, max);
}
