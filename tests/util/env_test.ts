import assert from "node:assert/strict";
import { envChoice, envPositiveInteger, withEnv } from "noisy-digits/util";

const NAME = "NOISY_DIGITS_ENV_TEST";

/** `f()` with NAME set to `value` (deleted when undefined), the variable removed after. */
function withValue<T>(value: string | undefined, f: () => T): T {
  if (value === undefined) Deno.env.delete(NAME);
  else Deno.env.set(NAME, value);
  try {
    return f();
  } finally {
    Deno.env.delete(NAME);
  }
}

Deno.test("envChoice: one of the choices in any case and spacing, the fallback when unset or empty", () => {
  const read = (v: string | undefined) => withValue(v, () => envChoice(NAME, ["native", "wasm", "auto"], "auto"));
  assert.equal(read(undefined), "auto");
  assert.equal(read(""), "auto");
  assert.equal(read(" Native "), "native");
  assert.equal(read("WASM"), "wasm");
});

Deno.test("envChoice: anything else names the variable, every choice and what it got", () => {
  assert.throws(
    () => withValue("gpu", () => envChoice(NAME, ["native", "wasm", "auto"], "auto")),
    { message: `${NAME} must be "native", "wasm" or "auto", got "gpu"` },
  );
  assert.throws(() => withValue("fp16", () => envChoice(NAME, ["f32", "bf16"], "f32")), {
    message: `${NAME} must be "f32" or "bf16", got "fp16"`,
  });
});

Deno.test("envPositiveInteger: the fallback when unset or empty, the number when whole and positive, else an error", () => {
  const read = (v: string | undefined) => withValue(v, () => envPositiveInteger(NAME, 3));
  assert.equal(read(undefined), 3);
  assert.equal(read(""), 3);
  assert.equal(read("2"), 2);
  for (const bad of ["0", "-1", "1.5", "two"]) {
    assert.throws(() => read(bad), { message: `${NAME} must be a positive integer, got "${bad}"` }, bad);
  }
});

Deno.test("withEnv: the value inside, the variable as it was afterwards, even when the function throws", async () => {
  Deno.env.delete(NAME);
  assert.equal(await withEnv(NAME, "inside", () => Deno.env.get(NAME)), "inside");
  assert.equal(Deno.env.get(NAME), undefined, "unset again");
  Deno.env.set(NAME, "before");
  try {
    await assert.rejects(withEnv(NAME, "inside", () => Promise.reject(new Error("boom"))), /boom/);
    assert.equal(Deno.env.get(NAME), "before", "restored after a throw");
  } finally {
    Deno.env.delete(NAME);
  }
});
