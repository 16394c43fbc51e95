// Screenshots of the estimator and the household HI calculator at phone (390 px) and desktop:
//   cargo build --bin ansinh && (cd e2e && node screenshots-calc.mjs) — into $SHOTS (default /tmp/shots).
import { startServer, startBrowser } from "./harness.mjs";
const server = await startServer({ today: "2026-12-03" });
const browser = await startBrowser();
const out = (process.env.SHOTS || "/tmp/shots") + "/";
(await import("node:fs")).mkdirSync(out, { recursive: true });
const shots = [
  ["calc-result", "/calc?sex=male&birth=05%2F1980&paid_years=3&income=3tr&mode=12"],
  ["calc-low-income", "/calc?sex=female&birth=1990&income=1tr"],
  ["calc-retired", "/calc?sex=male&birth=05%2F1960&paid_years=10&income=2tr&mode=missing"],
  ["calc-social", "/calc?sex=female&birth=1948&income=2tr&category=poor"],
  ["calc-hi", "/calc/hi?members=4&months=12"],
];
try {
  for (const [name, width] of [["phone", 390], ["desktop", 1280]]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const [shot, url] of shots) {
      await page.goto(server.url + url);
      await page.waitForLoadState("networkidle");
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${out}${shot}-${name}.png`, fullPage: true });
    }
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
