/**
 * SVG QR images (the SHC spec publishes its QR codes as SVG) rasterised with resvg's wasm build, so that zxing
 * can read them. As with zxing, the caller injects the wasm: bytes in Node, a URL the app serves in browsers.
 */
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { GreenlightError } from '../errors.ts';
import type { WasmSource } from './zxing.ts';

let ready: Promise<void> | undefined;

export function configureSvgRasterizer(source: WasmSource): void {
  ready = initWasm('wasmBinary' in source ? source.wasmBinary : fetch(source.wasmUrl)).catch((cause) => {
    // initWasm refuses a second initialisation; the first one stands.
    if (String(cause).includes('Already initialized')) return;
    throw cause;
  });
}

/** Whether the bytes look like SVG text rather than a raster image. */
export function isSvg(image: Uint8Array): boolean {
  const head = new TextDecoder().decode(image.subarray(0, 256)).trimStart();
  return head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'));
}

/** A PNG of the SVG, scaled so that a QR module is several pixels wide. */
export async function svgToPng(svg: Uint8Array, width = 800): Promise<Uint8Array> {
  if (!ready)
    throw new GreenlightError('qr', 'ERR_QR_NOT_CONFIGURED', 'configureSvgRasterizer() was not called');
  await ready;
  try {
    const rendered = new Resvg(svg, {
      fitTo: { mode: 'width', value: width },
      background: '#ffffff',
    }).render();
    const png = rendered.asPng();
    rendered.free();
    return png;
  } catch (cause) {
    throw new GreenlightError('qr', 'ERR_QR_IMAGE', 'the SVG image could not be rendered', { cause });
  }
}
