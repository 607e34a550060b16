/**
 * Polls `check` until it holds, for tests that wait on another process, server or timer; fails
 * with what it waited for after `timeoutMs`. Waiting is the test's only use of time: nothing is
 * asserted about how long it took.
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
