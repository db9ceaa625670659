/** SMART Health Card immunizations as the policy's input: an HCERT-shaped vaccination entry, from a data table. */
import type { ClinicalSummary, HolderSummary } from '@greenlight/codec';
import table from './shc-vaccines.json' with { type: 'json' };

interface ShcProduct {
  name: string;
  vp: string;
  ma: string;
  /** The product's standard primary series: the doses that complete it. */
  sd: number;
  cvx: string[];
  snomed: string[];
}

const products = table.products as Record<string, ShcProduct>;

/** `system|code` → EU medicinal product code (`mp`), built once from `shc-vaccines.json`. */
const BY_CODE: ReadonlyMap<string, string> = new Map(
  Object.entries(products).flatMap(([mp, p]) => [
    ...p.cvx.map((code) => [`${table.systems.cvx}|${code}`, mp] as const),
    ...p.snomed.map((code) => [`${table.systems.snomed}|${code}`, mp] as const),
  ]),
);

/** The EU product code of an SHC vaccine coding, or undefined when the table does not know it. */
export function productOfShcCode(system: string | undefined, code: string): string | undefined {
  return system === undefined ? undefined : BY_CODE.get(`${system}|${code}`);
}

/**
 * The HCERT-shaped payload the policy reads for an SHC's immunizations (HCERT spec §2.6.3 `v`, schema 1.3.0):
 * `dn` is the number of completed doses, `dt` the latest dose's date, `mp`/`vp`/`ma` that dose's product and `sd`
 * its standard series, so a person's SHC and DCC from one registry record read alike. A dose whose code the table
 * does not know keeps its code as `mp` (`system|code`), which no policy value set holds. Undefined when the card
 * carries no immunization (a lab result is not mapped: the Korean policy reads tests only from DCCs).
 */
export function hcertFromShc(
  summary: ClinicalSummary | undefined,
  holder: HolderSummary | undefined,
  issuer: string | undefined,
): Record<string, unknown> | undefined {
  const doses = [...(summary?.immunizations ?? [])].sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : 0,
  );
  const latest = doses.at(-1);
  if (!latest) return undefined;
  const mp = productOfShcCode(latest.system, latest.code);
  const product = mp === undefined ? undefined : products[mp];
  return {
    ver: '1.3.0',
    nam: {
      ...(holder?.familyName ? { fn: holder.familyName } : {}),
      ...(holder?.givenName ? { gn: holder.givenName } : {}),
    },
    dob: holder?.dateOfBirth ?? '',
    v: [
      {
        tg: table.targetDisease,
        vp: product?.vp ?? '',
        mp: mp ?? `${latest.system ?? ''}|${latest.code}`,
        ma: product?.ma ?? '',
        dn: doses.length,
        sd: product?.sd ?? doses.length,
        dt: latest.date.slice(0, 10),
        ...(latest.performer ? { is: latest.performer } : issuer ? { is: issuer } : {}),
      },
    ],
  };
}
