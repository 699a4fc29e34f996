import { readCache, sourceIdentity, cacheDirFor } from "./lib/data/cache.ts";
import { Checksum } from "./lib/data/fingerprint.ts";
import { dataFile } from "./lib/data/paths.ts";
for (let r = 0; r < 3; r++) {
  let t = performance.now();
  const id = await sourceIdentity(dataFile("test"));
  const t1 = performance.now();
  const hit = await readCache(cacheDirFor(dataFile("test")), id, "upright-f32");
  const t2 = performance.now();
  new Checksum().update(new Uint8Array(hit!.pixels.buffer));
  const t3 = performance.now();
  const fresh = new Float32Array(50000*784); 
  const t4 = performance.now();
  fresh.fill(1);
  const t5 = performance.now();
  console.log("key", (t1-t).toFixed(0), "readCache", (t2-t1).toFixed(0), "checksum", (t3-t2).toFixed(0), "alloc+touch", (t5-t3).toFixed(0));
}
