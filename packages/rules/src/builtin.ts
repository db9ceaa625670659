/** The built-in policies, bundled as data (JSON imports work in Node via tsx, in Vite and in the tests). */

import exkr0001 from '../policies/kr/EX-KR-0001.json' with { type: 'json' };
import exkr0002 from '../policies/kr/EX-KR-0002.json' with { type: 'json' };
import exkr0003 from '../policies/kr/EX-KR-0003.json' with { type: 'json' };
import exkr0004 from '../policies/kr/EX-KR-0004.json' with { type: 'json' };
import exkr0005 from '../policies/kr/EX-KR-0005.json' with { type: 'json' };
import grkr0001 from '../policies/kr/GR-KR-0001.json' with { type: 'json' };
import krSettings from '../policies/kr/policy.json' with { type: 'json' };
import rrkr0001 from '../policies/kr/RR-KR-0001.json' with { type: 'json' };
import rrkr0002 from '../policies/kr/RR-KR-0002.json' with { type: 'json' };
import trkr0001 from '../policies/kr/TR-KR-0001.json' with { type: 'json' };
import trkr0002 from '../policies/kr/TR-KR-0002.json' with { type: 'json' };
import trkr0003 from '../policies/kr/TR-KR-0003.json' with { type: 'json' };
import trkr0004 from '../policies/kr/TR-KR-0004.json' with { type: 'json' };
import vrkr0001 from '../policies/kr/VR-KR-0001.json' with { type: 'json' };
import vrkr0002 from '../policies/kr/VR-KR-0002.json' with { type: 'json' };
import vrkr0003 from '../policies/kr/VR-KR-0003.json' with { type: 'json' };
import vrkr0004 from '../policies/kr/VR-KR-0004.json' with { type: 'json' };
import vrkr0005 from '../policies/kr/VR-KR-0005.json' with { type: 'json' };
import vrkr0006 from '../policies/kr/VR-KR-0006.json' with { type: 'json' };
import { type Policy, parsePolicy } from './policy.ts';
import { rulesError } from './rule.ts';

/** The Korean pass policy (policies/kr/): rules, the accepted-vaccine value set and the venue categories. */
export const krPolicy: Policy = parsePolicy({
  ...krSettings,
  rules: [
    exkr0001,
    exkr0002,
    exkr0003,
    exkr0004,
    exkr0005,
    grkr0001,
    rrkr0001,
    rrkr0002,
    trkr0001,
    trkr0002,
    trkr0003,
    trkr0004,
    vrkr0001,
    vrkr0002,
    vrkr0003,
    vrkr0004,
    vrkr0005,
    vrkr0006,
  ],
});

const BUILTIN: Record<string, Policy> = { kr: krPolicy };

export const BUILTIN_POLICIES: readonly string[] = Object.keys(BUILTIN);

/** A built-in policy by name; throws ERR_RULES_UNKNOWN_POLICY. */
export function loadBuiltinPolicy(name: string): Policy {
  const policy = BUILTIN[name];
  if (!policy)
    throw rulesError('ERR_RULES_UNKNOWN_POLICY', `there is no built-in policy ${name}`, {
      known: BUILTIN_POLICIES,
    });
  return policy;
}
