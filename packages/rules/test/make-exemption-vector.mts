/**
 * Writes docs/vectors/exemption-v1.json: a Greenlight medical exemption certificate (docs/exemption.md) as HCERT
 * JSON and as a signed HC1 text, with the kr policy's verdicts at its boundaries. ECDSA signatures are randomised, so
 * re-running gives a different (equally valid) vector; the committed one is what `src/exemption.test.ts` checks.
 * Run: `node --conditions=source --import tsx packages/rules/test/make-exemption-vector.mts`.
 */
import { writeFileSync } from 'node:fs';
import { bytesToBase64, encodeHc1 } from '@greenlight/codec';
import { makeDsc } from '../../codec/test/dcc-fixtures.ts';
import { evaluatePolicy, krPolicy } from '../src/index.ts';

const hcert = {
  ver: '1.3.0',
  nam: { fn: 'Park', fnt: 'PARK', gn: 'Jiwoo', gnt: 'JIWOO' },
  dob: '1978-09-30',
  e: [
    {
      tg: '840539006',
      es: 'medical',
      df: '2022-01-01',
      du: '2022-03-31',
      co: 'KR',
      is: 'Korea Disease Control and Prevention Agency',
      ci: 'URN:UVCI:01:KR:GREENLIGHTEX0001#M',
    },
  ],
};
const dsc = await makeDsc();
const hc1 = await encodeHc1(hcert, {
  signer: dsc.signer,
  issuer: 'KR',
  issuedAt: new Date('2021-12-20T00:00:00Z'),
  expiresAt: new Date('2022-04-01T00:00:00Z'),
});
const times = [
  '2021-12-31T14:59:59Z',
  '2021-12-31T15:00:00Z',
  '2022-03-31T14:59:59Z',
  '2022-03-31T15:00:00Z',
];
const vector = {
  description: 'Greenlight medical exemption certificate (docs/exemption.md) and its kr verdicts',
  dscDerBase64: bytesToBase64(dsc.der),
  hcert,
  hc1,
  verdicts: times.map((at) => ({
    at,
    verdict: evaluatePolicy(krPolicy, { payload: hcert, at: new Date(at), issuerCountry: 'KR' }).verdict,
  })),
};
writeFileSync(
  new URL('../../../docs/vectors/exemption-v1.json', import.meta.url),
  `${JSON.stringify(vector, null, 2)}\n`,
);
console.log(vector.verdicts);
