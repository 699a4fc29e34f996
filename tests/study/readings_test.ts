import assert from "node:assert/strict";
import { type TwoChangesOutcomes, twoChangesReading } from "noisy-digits/study";

const names = { a: "the second channel", b: "the wider dense layer", base: "the 4-conv CNN" };
const read = (o: TwoChangesOutcomes) => twoChangesReading(names, o);

Deno.test("twoChangesReading says a change helped only when it beats both the network and the other change", () => {
  assert.equal(
    read({ a: "better", b: "within noise", aVsB: "better" }),
    "the second channel helped where the wider dense layer did not: it is ahead of both the 4-conv CNN and the " +
      "wider dense layer on the same images",
  );
  assert.equal(
    read({ a: "better", b: "better", aVsB: "better" }),
    "both changes are ahead of the 4-conv CNN, and the second channel is also ahead of the wider dense layer",
  );
});

Deno.test("twoChangesReading does not deny a verdict printed above it", () => {
  // The published run of 2026-12-04: the channel beat the wider layer (p = 0.011), neither beat the network.
  const text = read({ a: "within noise", b: "within noise", aVsB: "better" });
  assert.match(text, /^the second channel is ahead of the wider dense layer on the same images/);
  assert.match(text, /does not show that the second channel helps/);
  // "within noise" against the network is no direction: the clause must not say the channel is behind it
  assert.match(text, /is not shown ahead of the 4-conv CNN/);
  assert.doesNotMatch(text, /but not of/);
  // mirrored: the wider layer ahead
  assert.match(read({ a: "worse", b: "within noise", aVsB: "worse" }), /^the wider dense layer is ahead of the second/);
});

Deno.test("twoChangesReading gives no direction between the changes inside the noise", () => {
  assert.equal(
    read({ a: "within noise", b: "within noise", aVsB: "within noise" }),
    "the verdicts do not separate the second channel from the wider dense layer, nor either of them from the 4-conv " +
      "CNN",
  );
  const one = read({ a: "better", b: "within noise", aVsB: "within noise" });
  assert.equal(
    one,
    "the verdicts do not separate the second channel from the wider dense layer; ahead of the 4-conv CNN: the second " +
      "channel",
  );
  assert.doesNotMatch(one, /helped|ahead of the wider/);
});
