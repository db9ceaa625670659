/**
 * QR images through zxing-wasm. Its wasm must come from this app, never a CDN: callers inject the bytes
 * (Node: read from node_modules/zxing-wasm/dist/{reader,writer}/*.wasm) or a URL (browsers: served locally).
 */
import { prepareZXingModule as prepareReader, readBarcodes } from 'zxing-wasm/reader';
import { prepareZXingModule as prepareWriter, writeBarcode } from 'zxing-wasm/writer';
import { GreenlightError } from '../errors.ts';
import { isSvg, svgToPng } from './svg.ts';

export type WasmSource = { wasmBinary: ArrayBuffer } | { wasmUrl: string };

let readerReady: Promise<unknown> | undefined;
let writerReady: Promise<unknown> | undefined;

function overrides(source: WasmSource) {
  return 'wasmBinary' in source
    ? { wasmBinary: source.wasmBinary }
    : {
        locateFile: (path: string, prefix: string) =>
          path.endsWith('.wasm') ? source.wasmUrl : prefix + path,
      };
}

export function configureQrReader(source: WasmSource): void {
  readerReady = prepareReader({ overrides: overrides(source), fireImmediately: true });
}

export function configureQrWriter(source: WasmSource): void {
  writerReady = prepareWriter({ overrides: overrides(source), fireImmediately: true });
}

/** The valid QR results in a PNG, JPEG or SVG image (SVG needs `configureSvgRasterizer`). */
async function readQrResults(image: Uint8Array) {
  if (!readerReady)
    throw new GreenlightError('qr', 'ERR_QR_NOT_CONFIGURED', 'configureQrReader() was not called');
  await readerReady;
  if (isSvg(image)) image = await svgToPng(image);
  let results: Awaited<ReturnType<typeof readBarcodes>>;
  try {
    results = await readBarcodes(new Uint8Array(image), { formats: ['QRCode'], tryHarder: true });
  } catch (cause) {
    throw new GreenlightError('qr', 'ERR_QR_IMAGE', 'the image could not be read', { cause });
  }
  return results.filter((r) => r.isValid);
}

/** Every QR code text found in a PNG, JPEG or SVG image (SVG needs `configureSvgRasterizer`). */
export async function readQrImage(image: Uint8Array): Promise<string[]> {
  return (await readQrResults(image)).map((r) => r.text);
}

/** One QR symbol read from an image, with the facts of its encoding that content checks may need. */
export interface QrSymbol {
  text: string;
  /** QR version 1 to 40 (side of 17 + 4 × version modules); 0 when the reader did not say. */
  version: number;
  /** Error-correction level `L`, `M`, `Q` or `H` (empty when unknown). */
  ecLevel: string;
  /**
   * The first data segment (ISO/IEC 18004, 7.4): its mode and, for byte mode, its length in bytes. `undefined`
   * when the modules could not be read back unambiguously.
   */
  firstSegment?: { mode: 'numeric' | 'alphanumeric' | 'byte' | 'kanji' | 'other'; length?: number };
}

/** Every QR code in a PNG, JPEG or SVG image, with its version, error-correction level and first segment. */
export async function readQrSymbols(image: Uint8Array): Promise<QrSymbol[]> {
  return (await readQrResults(image)).map((r) => {
    let extra: { Version?: unknown; ECLevel?: unknown; DataMask?: unknown } = {};
    try {
      extra = JSON.parse(r.extra || '{}');
    } catch {
      // The extra facts are optional: a reader build without them still gives the text.
    }
    const version = Number(extra.Version ?? r.version) || 0;
    const ecLevel = String(extra.ECLevel ?? r.ecLevel ?? '');
    const symbol: QrSymbol = { text: r.text, version, ecLevel };
    const mask = Number(extra.DataMask);
    if (r.symbol && version > 0 && Number.isInteger(mask)) {
      const segment = firstSegment(r.symbol, version, mask, r.bytes);
      if (segment) symbol.firstSegment = segment;
    }
    return symbol;
  });
}

const MASKS: ((row: number, col: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

/** Centres of the alignment patterns of a version (ISO/IEC 18004, Annex E), computed rather than tabled. */
function alignmentCentres(version: number): number[] {
  if (version === 1) return [];
  const size = 17 + 4 * version;
  const count = Math.floor(version / 7) + 2;
  const step = version === 32 ? 26 : Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2;
  const centres = [6];
  for (let pos = size - 7; centres.length < count; pos -= step) centres.splice(1, 0, pos);
  return centres;
}

/** The unmasked data and error-correction codewords in placement order (ISO/IEC 18004, 7.7.3). */
function placedCodewords(
  dark: (row: number, col: number) => boolean,
  version: number,
  mask: number,
): number[] {
  const size = 17 + 4 * version;
  const fn = new Uint8Array(size * size);
  const mark = (r0: number, c0: number, rows: number, cols: number) => {
    for (let r = Math.max(0, r0); r < Math.min(size, r0 + rows); r++)
      for (let c = Math.max(0, c0); c < Math.min(size, c0 + cols); c++) fn[r * size + c] = 1;
  };
  // Finders with separators and format information, timing patterns, alignment patterns, version information.
  mark(0, 0, 9, 9);
  mark(0, size - 8, 9, 8);
  mark(size - 8, 0, 8, 9);
  mark(6, 0, 1, size);
  mark(0, 6, size, 1);
  const centres = alignmentCentres(version);
  for (const r of centres)
    for (const c of centres) {
      const last = centres.length - 1;
      if (
        (r === centres[0] && (c === centres[0] || c === centres[last])) ||
        (r === centres[last] && c === centres[0])
      )
        continue;
      mark(r - 2, c - 2, 5, 5);
    }
  if (version >= 7) {
    mark(0, size - 11, 6, 3);
    mark(size - 11, 0, 3, 6);
  }
  const applyMask = MASKS[mask]!;
  const codewords: number[] = [];
  let byte = 0;
  let bits = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let v = 0; v < size; v++) {
      const row = upward ? size - 1 - v : v;
      for (let j = 0; j < 2; j++) {
        const col = right - j;
        if (fn[row * size + col]) continue;
        byte = (byte << 1) | (dark(row, col) !== applyMask(row, col) ? 1 : 0);
        if (++bits === 8) {
          codewords.push(byte);
          byte = 0;
          bits = 0;
        }
      }
    }
  }
  return codewords;
}

const MODES: Record<number, NonNullable<QrSymbol['firstSegment']>['mode']> = {
  1: 'numeric',
  2: 'alphanumeric',
  4: 'byte',
  8: 'kanji',
};

/**
 * The first segment of a QR symbol, read back from its module matrix. The codewords are interleaved over blocks
 * whose count depends on version and level; rather than table it, every block count is tried, and one is accepted
 * only when the first block then starts with a byte segment whose first bytes are the decoded content's own (or
 * with another mode). A matrix that fits no block count gives `undefined`.
 */
function firstSegment(
  symbol: { data: Uint8ClampedArray; width: number; height: number },
  version: number,
  mask: number,
  content: Uint8Array,
): QrSymbol['firstSegment'] {
  const size = 17 + 4 * version;
  if (symbol.width !== size || symbol.height !== size || !MASKS[mask]) return undefined;
  // The top-left module is always dark (a finder corner), whichever value the reader uses for dark.
  const darkValue = symbol.data[0];
  const codewords = placedCodewords((r, c) => symbol.data[r * size + c] === darkValue, version, mask);
  const countBits = version <= 9 ? 8 : 16;
  const probe = Math.min(5, content.length);
  // Room for an ECI header (4 + up to 24 bits), the mode, the count and the probed bytes.
  const needed = Math.ceil((28 + 4 + countBits + 8 * probe) / 8);
  const found = new Set<string>();
  for (let blocks = 1; blocks <= 81 && (needed - 1) * blocks < codewords.length; blocks++) {
    let stream = 0n;
    for (let k = 0; k < needed; k++) stream = (stream << 8n) | BigInt(codewords[k * blocks]!);
    const total = BigInt(needed * 8);
    const take = (from: number, width: number) =>
      Number((stream >> (total - BigInt(from + width))) & ((1n << BigInt(width)) - 1n));
    let at = 0;
    if (take(0, 4) === 0b0111) {
      // ECI designator (7.4.2.2): 1, 2 or 3 bytes, told by its leading bits.
      at = take(4, 1) === 0 ? 12 : take(4, 2) === 0b10 ? 20 : 28;
    }
    const mode = MODES[take(at, 4)] ?? 'other';
    if (mode !== 'byte') {
      // Only the first codeword is needed, and it is the first of every block count alike.
      if (at === 0) return { mode };
      found.add(mode);
      continue;
    }
    const length = take(at + 4, countBits);
    if (length === 0 || length > content.length) continue;
    let same = true;
    for (let i = 0; i < probe && same; i++) same = take(at + 4 + countBits + 8 * i, 8) === content[i];
    if (same) found.add(`byte:${length}`);
  }
  const bytes = [...found].filter((f) => f.startsWith('byte:'));
  if (bytes.length === 1) return { mode: 'byte', length: Number(bytes[0]!.slice(5)) };
  return undefined;
}

/** QR error-correction levels (ISO/IEC 18004, 6.5.1): about 7, 15, 25 and 30 % of the codewords restorable. */
export type QrEcLevel = 'L' | 'M' | 'Q' | 'H';

/** How one format's text is written as a QR code: its error-correction level and the largest version allowed. */
export interface QrProfile {
  format: 'shc' | 'hc1' | 'presentation' | 'other';
  ecLevel: QrEcLevel;
  /** The largest QR version (1 to 40) the format allows; a longer text is refused rather than drawn larger. */
  maxVersion: number;
}

/**
 * The QR profile of a text, by its prefix:
 * - `shc:/`: level L, at most version 22 (SMART Health Cards spec, "Health Cards as QR Codes": a JWS of up to 1195
 *   characters fits version 22 at L);
 * - `HC1:`: level Q (eHN "Electronic Health Certificates" technical specification, its 2D barcode section);
 * - `GLP1:`: level M, Greenlight's presentation QR (docs/presentation.md);
 * - anything else: level Q.
 */
export function qrProfile(text: string): QrProfile {
  if (/^shc:\//i.test(text)) return { format: 'shc', ecLevel: 'L', maxVersion: 22 };
  if (text.startsWith('HC1:')) return { format: 'hc1', ecLevel: 'Q', maxVersion: 40 };
  if (text.startsWith('GLP1:')) return { format: 'presentation', ecLevel: 'M', maxVersion: 40 };
  return { format: 'other', ecLevel: 'Q', maxVersion: 40 };
}

export interface QrWriteOptions {
  /** Overrides the level of the text's profile (`qrProfile`); the profile's version limit still applies. */
  ecLevel?: QrEcLevel;
}

async function write(text: string, options: QrWriteOptions = {}) {
  if (!writerReady)
    throw new GreenlightError('qr', 'ERR_QR_NOT_CONFIGURED', 'configureQrWriter() was not called');
  await writerReady;
  const profile = qrProfile(text);
  const ecLevel = options.ecLevel ?? profile.ecLevel;
  const result = await writeBarcode(text, { format: 'QRCode', ecLevel, scale: 4 });
  if (result.error) throw new GreenlightError('qr', 'ERR_QR_ENCODE', `cannot encode QR: ${result.error}`);
  // The symbol is the module matrix without quiet zone: 17 + 4 × version modules a side.
  const version = (result.symbol.width - 17) / 4;
  if (version > profile.maxVersion)
    throw new GreenlightError(
      'qr',
      'ERR_QR_ENCODE',
      `the text needs QR version ${version} at level ${ecLevel}; a ${profile.format} QR may be at most version ${profile.maxVersion}`,
      { details: { version, ecLevel, maxVersion: profile.maxVersion } },
    );
  return { result, version, ecLevel };
}

/** The version and level a text is written at (`qrPng`, `qrSvg`), without drawing an image for the caller. */
export async function qrSymbolOf(
  text: string,
  options: QrWriteOptions = {},
): Promise<{ version: number; ecLevel: QrEcLevel }> {
  const { version, ecLevel } = await write(text, options);
  return { version, ecLevel };
}

/**
 * A PNG QR code of the text at its format's level (`qrProfile`). Throws ERR_QR_ENCODE when the text does not fit,
 * or needs a version above its format's limit.
 */
export async function qrPng(text: string, options: QrWriteOptions = {}): Promise<Uint8Array> {
  const { result } = await write(text, options);
  return new Uint8Array(await result.image!.arrayBuffer());
}

/**
 * An SVG QR code (level and version limit as `qrPng`) that scales to whatever box it is put in: zxing writes fixed `width`/`height` only, which a
 * narrower container crops, so a `viewBox` of the same size is added.
 */
export async function qrSvg(text: string, options: QrWriteOptions = {}): Promise<string> {
  return (await write(text, options)).result.svg.replace(
    /<svg width="(\d+)" height="(\d+)"/,
    (open, width: string, height: string) => `${open} viewBox="0 0 ${width} ${height}"`,
  );
}
