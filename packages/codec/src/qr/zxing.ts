/**
 * QR images through zxing-wasm. Its wasm must come from this app, never a CDN: callers inject the bytes
 * (Node: read from node_modules/zxing-wasm/dist/{reader,writer}/*.wasm) or a URL (browsers: served locally).
 */
import { prepareZXingModule as prepareReader, readBarcodes } from 'zxing-wasm/reader';
import { prepareZXingModule as prepareWriter, writeBarcode } from 'zxing-wasm/writer';
import { GreenlightError } from '../errors';
import { isSvg, svgToPng } from './svg';

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

/** Every QR code text found in a PNG, JPEG or SVG image (SVG needs `configureSvgRasterizer`). */
export async function readQrImage(image: Uint8Array): Promise<string[]> {
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
  return results.filter((r) => r.isValid).map((r) => r.text);
}

async function write(text: string) {
  if (!writerReady)
    throw new GreenlightError('qr', 'ERR_QR_NOT_CONFIGURED', 'configureQrWriter() was not called');
  await writerReady;
  const result = await writeBarcode(text, { format: 'QRCode', ecLevel: 'Q', scale: 4 });
  if (result.error) throw new GreenlightError('qr', 'ERR_QR_ENCODE', `cannot encode QR: ${result.error}`);
  return result;
}

export async function qrPng(text: string): Promise<Uint8Array> {
  const result = await write(text);
  return new Uint8Array(await result.image!.arrayBuffer());
}

/**
 * An SVG QR code that scales to whatever box it is put in: zxing writes fixed `width`/`height` only, which a
 * narrower container crops, so a `viewBox` of the same size is added.
 */
export async function qrSvg(text: string): Promise<string> {
  return (await write(text)).svg.replace(
    /<svg width="(\d+)" height="(\d+)"/,
    (open, width: string, height: string) => `${open} viewBox="0 0 ${width} ${height}"`,
  );
}
