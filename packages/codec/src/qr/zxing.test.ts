import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdataPath } from '../../../../test/support/testdata.ts';
import { configureNodeQr } from '../node.ts';
import { svgToPng } from './svg.ts';
import { qrPng, qrProfile, qrSvg, qrSymbolOf, readQrImage, readQrSymbols } from './zxing.ts';

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

const shc = testdataPath('shc', 'public');

describe('QR symbols: version, level and first segment, read back from the modules', () => {
  it.skipIf(!shc)(
    'reads the spec SVGs as byte shc:/ (plus the chunk header) then numeric, at their version',
    async () => {
      configureNodeQr();
      const svg = (name: string) => new Uint8Array(readFileSync(join(shc!, name)));
      const [single] = await readQrSymbols(svg('example-00-g-qr-code-0.svg'));
      expect(single).toMatchObject({ version: 18, ecLevel: 'L', firstSegment: { mode: 'byte', length: 5 } });
      expect(single?.text).toBe(
        readFileSync(join(shc!, 'example-00-f-qr-code-numeric-value-0.txt'), 'utf8').trim(),
      );
      const [chunk] = await readQrSymbols(svg('example-02-g-qr-code-1.svg'));
      expect(chunk).toMatchObject({ version: 21, firstSegment: { mode: 'byte', length: 9 } });
      expect(chunk?.text.startsWith('shc:/2/3/')).toBe(true);
    },
  );

  it('tells a single byte segment, an alphanumeric one and a version above 22', async () => {
    configureNodeQr();
    // Too few digits to be worth a numeric segment: the writer keeps the whole text in one byte segment.
    expect((await readQrSymbols(await qrPng('shc:/56')))[0]?.firstSegment).toEqual({
      mode: 'byte',
      length: 7,
    });
    expect((await readQrSymbols(await qrPng('shc:/5676')))[0]?.firstSegment).toEqual({
      mode: 'byte',
      length: 5,
    });
    expect((await readQrSymbols(await qrPng('HC1:NCFOXN')))[0]).toMatchObject({
      version: 1,
      ecLevel: 'Q',
      firstSegment: { mode: 'alphanumeric' },
    });
    // 1,613 characters at level Q need version 25: only an explicit level gets there, and the limit refuses it.
    const long = `shc:/${'56'.repeat(804)}`;
    await expect(qrPng(long, { ecLevel: 'Q' })).rejects.toMatchObject({
      code: 'ERR_QR_ENCODE',
      details: { version: 25, ecLevel: 'Q', maxVersion: 22 },
    });
    const [big] = await readQrSymbols(await qrPng(`HC1:${long.slice(5)}`));
    expect(big).toMatchObject({ version: 25, ecLevel: 'Q' });
  });
});

describe('QR error-correction level and version per format', () => {
  it('writes shc:/ at L within version 22, HC1: at Q, GLP1: at M, as read back from the format information', async () => {
    configureNodeQr();
    const cases = [
      // The spec's largest single-QR card: 1195 JWS characters, 2390 digits.
      { text: `shc:/${'56'.repeat(1195)}`, ecLevel: 'L', maxVersion: 22 },
      { text: `shc:/${'01'.repeat(300)}`, ecLevel: 'L', maxVersion: 22 },
      { text: `HC1:${'6BF'.repeat(200)}`, ecLevel: 'Q', maxVersion: 40 },
      { text: `GLP1:${'6BF'.repeat(200)}`, ecLevel: 'M', maxVersion: 40 },
      { text: 'https://example.org/other', ecLevel: 'Q', maxVersion: 40 },
    ] as const;
    for (const { text, ecLevel, maxVersion } of cases) {
      expect(qrProfile(text)).toMatchObject({ ecLevel, maxVersion });
      const written = await qrSymbolOf(text);
      const [read] = await readQrSymbols(await qrPng(text));
      expect(read).toMatchObject({ text, ecLevel, version: written.version });
      expect(written.ecLevel).toBe(ecLevel);
      expect(written.version).toBeLessThanOrEqual(maxVersion);
    }
    expect((await qrSymbolOf(`shc:/${'56'.repeat(1195)}`)).version).toBe(22);
  });

  it('refuses an shc:/ text that needs a version above 22 even at L', async () => {
    configureNodeQr();
    await expect(qrSvg(`shc:/${'56'.repeat(1220)}`)).rejects.toMatchObject({ code: 'ERR_QR_ENCODE' });
  });
});
