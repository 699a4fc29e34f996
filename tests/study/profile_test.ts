/**
 * One way to choose the run profile (`lib/data/profile.ts`): NOISY_DIGITS_PROFILE, then the old NOTEBOOK_PROFILE
 * (with a notice), then a `.env` line, then `quick`; a bad name is an error naming where it came from; the setup
 * cell's notice names the profile, its source and a Run All's minutes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { profileChoice, profileFromDotEnv } from "noisy-digits/data";
import { profileNotice, SIMPLE_CNN_SETTINGS } from "noisy-digits/study";

/** Runs `fn` with the two profile variables set as given (undefined: unset), then puts them back. */
function withEnv(vars: Record<string, string | undefined>, fn: () => void) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  const apply = (v: Record<string, string | undefined>) =>
    Object.entries(v).forEach(([k, x]) => x === undefined ? Deno.env.delete(k) : Deno.env.set(k, x));
  apply(vars);
  try {
    fn();
  } finally {
    apply(saved);
  }
}

Deno.test("profile: the variable, then the old name, then .env, then quick; a bad name says where it came from", async () => {
  const dir = await Deno.makeTempDir();
  const dotEnv = join(dir, ".env"), none = join(dir, "absent.env");
  await Deno.writeTextFile(dotEnv, "# settings\nOTHER=1\nNOISY_DIGITS_PROFILE='smoke'\n");
  try {
    assert.equal(profileFromDotEnv(dotEnv), "smoke");
    assert.equal(profileFromDotEnv(none), undefined);
    withEnv({ NOISY_DIGITS_PROFILE: undefined, NOTEBOOK_PROFILE: undefined }, () => {
      assert.deepEqual(profileChoice(undefined, none), { profile: "quick", source: "default" });
      assert.deepEqual(profileChoice(undefined, dotEnv), { profile: "smoke", source: ".env" });
    });
    withEnv({ NOISY_DIGITS_PROFILE: undefined, NOTEBOOK_PROFILE: "full" }, () => {
      assert.deepEqual(profileChoice(undefined, dotEnv), { profile: "full", source: "NOTEBOOK_PROFILE" });
    });
    withEnv({ NOISY_DIGITS_PROFILE: "smoke", NOTEBOOK_PROFILE: "full" }, () => {
      assert.deepEqual(profileChoice(undefined, none), { profile: "smoke", source: "NOISY_DIGITS_PROFILE" });
    });
    withEnv({ NOISY_DIGITS_PROFILE: "fast", NOTEBOOK_PROFILE: undefined }, () => {
      assert.throws(
        () => profileChoice(undefined, none),
        /NOISY_DIGITS_PROFILE must be one of smoke, quick, full; got "fast"/,
      );
    });
    await Deno.writeTextFile(dotEnv, "NOISY_DIGITS_PROFILE=ful\n");
    withEnv({ NOISY_DIGITS_PROFILE: undefined, NOTEBOOK_PROFILE: undefined }, () => {
      assert.throws(() => profileChoice(undefined, dotEnv), /NOISY_DIGITS_PROFILE in .*\.env must be one of/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("profile: the setup cell's notice names the profile, its source and what a Run All takes", () => {
  const quick = profileNotice(SIMPLE_CNN_SETTINGS, { profile: "quick", source: "default" });
  assert.match(quick, /^profile quick \(nothing set, the default\): a Run All of this notebook takes about 1 min/);
  assert.match(quick, new RegExp(`full \\(the report's sizes\\) takes about ${SIMPLE_CNN_SETTINGS.full.minutes} min`));
  assert.match(quick, /NOISY_DIGITS_PROFILE=smoke\|quick\|full/);
  const full = profileNotice(SIMPLE_CNN_SETTINGS, { profile: "full", source: "NOISY_DIGITS_PROFILE" });
  assert.match(
    full,
    new RegExp(
      `^profile full \\(NOISY_DIGITS_PROFILE\\): a Run All of this notebook takes about ${SIMPLE_CNN_SETTINGS.full.minutes} min`,
    ),
  );
});
