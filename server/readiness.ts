/**
 * Readiness of one server instance for a load balancer (`GET /api/ready`): each
 * named check (its PostgreSQL, its Redis) must answer within a short timeout.
 */

/** One dependency the instance cannot serve without. */
export interface ReadinessCheck {
  /** Short public name (`postgres`, `redis`): the only thing the endpoint reveals about it. */
  name: string;
  /** Resolves when the dependency answers; rejects (or hangs) when it does not. */
  check(): Promise<void>;
}

/** How long one check may take before it counts as failing. */
export const READINESS_TIMEOUT_MS = 2_000;

/** Runs every check at once; resolves with the names of those that failed or timed out. */
export async function failingChecks(checks: readonly ReadinessCheck[], timeoutMs = READINESS_TIMEOUT_MS): Promise<string[]> {
  const outcomes = await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      });
      try {
        await Promise.race([Promise.resolve().then(() => c.check()), timeout]);
        return null;
      } catch {
        return c.name;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return outcomes.filter((n): n is string => n !== null);
}
