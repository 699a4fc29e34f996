/**
 * The report's settings where it states them (issue 13, point 3): its SVCs are built with `class_weight='balanced'`
 * (sections 4.1 and 5.2 show `SVC(..., class_weight='balanced', ...)`), and the study's specs must not drop it.
 */
import assert from "node:assert/strict";
import { reportPcaSvmSpec, reportSvmSpec } from "noisy-digits/study";

Deno.test("the report's four SVMs (sections 4.1, 4.2, 5.1, 5.2) keep its balanced class weights and parameters", () => {
  const specs = {
    "4.1": reportPcaSvmSpec("rbf", "full", 150),
    "4.2": reportPcaSvmSpec("linear", "full", 150),
    "5.1": reportSvmSpec("rbf", "full"),
    "5.2": reportSvmSpec("linear", "full"),
  };
  for (const [section, spec] of Object.entries(specs)) {
    assert.equal(spec.svc.classWeight, "balanced", `section ${section}`);
  }
  assert.deepEqual([specs["5.1"].svc.C, specs["5.1"].svc.gamma, specs["5.2"].svc.C], [0.8, 0.01, 0.6]);
  assert.equal(specs["5.1"].pca, undefined, "section 5 fits on raw pixels");
});

Deno.test("each profile caches the report's SVMs under its own name", () => {
  const names = ["smoke", "full"].flatMap((p) => [reportSvmSpec("rbf", p), reportSvmSpec("linear", p)])
    .map((s) => s.cacheName);
  assert.equal(new Set(names).size, names.length);
});
