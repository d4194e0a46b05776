/**
 * The suite's ceilings, in one place. They are generous because a test must pass on a busy
 * machine (CI, a laptop compiling something else): tests wait on conditions, and these only
 * bound how long a condition may take before the test is called stuck. TEST_TIMEOUT_SCALE
 * multiplies all of them (e.g. 3 on a very slow machine).
 */
const scale = Math.max(1, Number(process.env.TEST_TIMEOUT_SCALE ?? 1) || 1);

/** One test, or one beforeAll/afterAll hook. */
export const TEST_TIMEOUT_MS = 60_000 * scale;
/** One waitFor() condition. */
export const WAIT_TIMEOUT_MS = 20_000 * scale;
/** One Playwright expectation (an element appearing, a URL changing). */
export const EXPECT_TIMEOUT_MS = 15_000 * scale;
