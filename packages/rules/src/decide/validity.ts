/** The KST days on which a credential passes (or is exempt), found by evaluating the policy itself, never by numbers. */
import { kstDate } from '../kst.ts';
import { type EvaluationInput, evaluatePolicy, type Policy } from '../policy.ts';

const DAY_MS = 86_400_000;
/** How far around the check time the daily scan looks; beyond it only the dates the rules name are visited. */
const DAILY_BACK_DAYS = 45;
const DAILY_AHEAD_DAYS = 45;
/** Far enough for a child's exemption up to the 19th birthday (a newborn's is 19 years ahead). */
const HORIZON_DAYS = 20 * 366;

const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
/** The last second of a KST day (23:59:59 KST): a test is counted from its sample time that day. */
const endOfKstDay = (day: string) => new Date(Date.parse(`${day}T14:59:59Z`));
const isDay = (s: string | undefined): s is string => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s);

/** The last KST day on which any rule of the policy still applies (the day before its latest ValidTo). */
function policyEnd(policy: Policy): string {
  let latest = '';
  for (const rule of policy.rules) {
    const at = Date.parse(rule.ValidTo);
    if (Number.isNaN(at)) continue;
    const day = kstDate(new Date(at - 1000));
    if (day > latest) latest = day;
  }
  return latest;
}

/**
 * `{ from?, until? }`: the first and last KST day of the run of days that contains the check day, or else the next
 * run within the horizon, on which the policy gives `pass` or `exempt`. The days visited are the check day, a daily
 * window around it, every date a rule's reason names (and the day after it), and every day a rule of the policy
 * starts or stops applying; the verdict is taken as constant between visited days. `from` is absent when the run
 * starts before every visited day, `until` when it lasts past the horizon or to the end of the policy's rules. Undefined when no visited day passes.
 */
export function validityOf(
  policy: Policy,
  input: Omit<EvaluationInput, 'at' | 'venueCategory' | 'lang'>,
  now: Date,
): { from?: string; until?: string } | undefined {
  const today = kstDate(now);
  const days = new Set<string>();
  for (let i = -DAILY_BACK_DAYS; i <= DAILY_AHEAD_DAYS; i++) days.add(addDays(today, i));
  for (const rule of policy.rules) {
    for (const edge of [rule.ValidFrom, rule.ValidTo]) {
      const at = new Date(edge);
      if (Number.isNaN(at.getTime())) continue;
      days.add(kstDate(at));
      days.add(kstDate(new Date(at.getTime() - 1000)));
    }
  }
  const verdicts = new Map<string, boolean>();
  const first = addDays(today, -HORIZON_DAYS);
  const last = addDays(today, HORIZON_DAYS);
  const visit = (day: string) => {
    if (verdicts.has(day) || day < first || day > last) return;
    let result: ReturnType<typeof evaluatePolicy>;
    try {
      result = evaluatePolicy(policy, { ...input, at: endOfKstDay(day) });
    } catch {
      verdicts.set(day, false);
      return;
    }
    verdicts.set(day, result.verdict === 'pass' || result.verdict === 'exempt');
    for (const reason of result.reasons) {
      if (!isDay(reason.date)) continue;
      for (const d of [addDays(reason.date, -1), reason.date, addDays(reason.date, 1)]) {
        if (!verdicts.has(d)) pending.push(d);
      }
    }
  };
  const pending: string[] = [...days];
  // Each visit can name new dates; a policy names finitely many, so this ends (bounded by the horizon anyway).
  for (let guard = 0; pending.length > 0 && guard < 5000; guard++) visit(pending.pop() as string);

  const visited = [...verdicts.keys()].sort();
  const passing = (day: string) => verdicts.get(day) === true;
  let index = visited.findIndex((day) => day >= today);
  if (index < 0) return undefined;
  // The run holding today starts at or before today: step back to the last visited day at or before today.
  if (visited[index] !== today && index > 0) index -= 1;
  if (!passing(visited[index] as string)) {
    while (index < visited.length && !passing(visited[index] as string)) index += 1;
    if (index >= visited.length) return undefined;
  }
  let start = index;
  while (start > 0 && passing(visited[start - 1] as string)) start -= 1;
  let end = index;
  while (end < visited.length - 1 && passing(visited[end + 1] as string)) end += 1;
  const from = start === 0 ? undefined : (visited[start] as string);
  let until = end === visited.length - 1 ? undefined : addDays(visited[end + 1] as string, -1);
  // A run that ends only because the policy's own rules stop applying (their last ValidTo) is not an expiry of
  // the credential: the next rules bundle decides what happens then, so the holder is shown no end date.
  if (until !== undefined && until >= policyEnd(policy)) until = undefined;
  return {
    ...(from === undefined ? {} : { from }),
    ...(until === undefined ? {} : { until }),
  };
}
