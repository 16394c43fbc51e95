// /calc on an emulated slow 3G link (Chrome DevTools' "Slow 3G": 2,000 ms latency, 50 kB/s
// down and up), first visit (empty cache) and second visit, for the estimator form and for a
// result with its chart. Prints one JSON line per measure.
//   ANSINH_BIN=target/debug/ansinh node e2e/bench-slow3g.mjs [label]
import { startServer, startBrowser } from "./harness.mjs";

const label = process.argv[2] || "current";
const server = await startServer({ today: "2026-12-03" });
const browser = await startBrowser();
const SLOW_3G = { offline: false, latency: 2000, downloadThroughput: 50000, uploadThroughput: 50000 };
const pages = [
  ["form", "/calc", null],
  ["result with chart", "/calc?sex=male&birth=05%2F1980&paid_years=3&income=3tr&mode=12", "#plan-chart svg"],
];
try {
  for (const [name, path, ready] of pages) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", SLOW_3G);
    let bytes = 0, requests = 0;
    cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; requests += 1; });
    for (const visit of ["first", "second"]) {
      bytes = 0; requests = 0;
      const t0 = Date.now();
      await page.goto(server.url + path, { waitUntil: "load", timeout: 180000 });
      const load = Date.now() - t0;
      if (ready) await page.locator(ready).waitFor({ timeout: 180000 });
      const done = Date.now() - t0;
      await page.waitForTimeout(500);
      console.log(JSON.stringify({ label, page: name, visit, load_ms: load, ready_ms: done, kB: Math.round(bytes / 1000), requests }));
    }
    await ctx.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
