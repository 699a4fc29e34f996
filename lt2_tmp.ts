import { loadTrain, loadTest, type LoadInfo } from "./lib/data/load.ts";
import { sourceIdentity } from "./lib/data/cache.ts";
import { dataFile } from "./lib/data/paths.ts";
for (let r = 0; r < 3; r++) {
  const a: Partial<LoadInfo> = {}, b: Partial<LoadInfo> = {};
  await loadTrain({}, a); await loadTest({}, b);
  const t = performance.now(); await sourceIdentity(dataFile("train")); await sourceIdentity(dataFile("test"));
  console.log(a.fromCache, b.fromCache, (a.seconds! + b.seconds!).toFixed(3), "key only", ((performance.now() - t) / 1000).toFixed(3));
}
