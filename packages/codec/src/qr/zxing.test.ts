import { describe, expect, it } from 'vitest';
import { configureNodeQr } from '../../../cli/src/support/node-codec';
import { svgToPng } from './svg';
import { qrPng, qrSvg, readQrImage } from './zxing';

describe('QR images', () => {
  it('writes PNG and SVG that read back to the same text', async () => {
    configureNodeQr();
    const text = `HC1:${'6BF'.repeat(200)}`;
    expect(await readQrImage(await qrPng(text))).toEqual([text]);
    expect(await readQrImage(await svgToPng(new TextEncoder().encode(await qrSvg(text))))).toEqual([text]);
  });

  it('gives the SVG a viewBox of its own size, so a smaller box scales it instead of cropping it', async () => {
    configureNodeQr();
    const svg = await qrSvg('GLP1:scaled');
    const match = /<svg width="(\d+)" height="(\d+)" viewBox="0 0 (\d+) (\d+)"/.exec(svg);
    expect(match).not.toBeNull();
    expect([match?.[3], match?.[4]]).toEqual([match?.[1], match?.[2]]);
    // Drawn into a box a third of its size, the whole code is still there to read.
    const width = Number(match?.[1]);
    const boxed = svg.replace(
      /<svg width="\d+" height="\d+"/,
      `<svg width="${Math.round(width / 3)}" height="${Math.round(width / 3)}"`,
    );
    expect(await readQrImage(await svgToPng(new TextEncoder().encode(boxed), 300))).toEqual(['GLP1:scaled']);
  });
});
