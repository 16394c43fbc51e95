// Screenshots of the coverage-indicator screens at phone (390 px) and desktop width, and the
// report's PDF and XLSX:
//   cargo build --bin ansinh && (cd e2e && node screenshots-indicators.mjs) — into $SHOTS
//   (default /tmp/shots). BASE=http://… uses a server already running instead of starting one.
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";
import { mkdirSync, writeFileSync } from "node:fs";
const server = process.env.BASE ? { url: process.env.BASE, stop: async () => {} } : await startServer({ today: "2026-12-01" });
const browser = await startBrowser();
const out = (process.env.SHOTS || "/tmp/shots") + "/";
mkdirSync(out, { recursive: true });
try {
  for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
    const ctx = await browser.newContext({ viewport, deviceScaleFactor: name === "phone" ? 2 : 1, reducedMotion: "reduce" });
    const page = await ctx.newPage();
    await login(page, server.url, "tinh.hatinh", DEMO_PASSWORD);
    await page.goto(server.url + "/indicators");
    await page.waitForSelector("#map svg path", { timeout: 15000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: out + `ind-province-${name}.png`, fullPage: true });
    await page.screenshot({ path: out + `ind-province-top-${name}.png` });
    await page.locator("#map").scrollIntoViewIfNeeded();
    await page.screenshot({ path: out + `ind-province-map-${name}.png` });
    const base = page.url().split("?")[0];
    if (name === "desktop") {
      for (const ext of ["pdf", "xlsx"]) {
        const r = await page.request.get(base + "/report." + ext);
        writeFileSync(out + "report." + ext, await r.body());
      }
    }
    await page.goto(base + "/plan");
    await page.screenshot({ path: out + `ind-plan-${name}.png`, fullPage: true });
    await page.goto(base + "/targets");
    await page.screenshot({ path: out + `ind-targets-${name}.png`, fullPage: true });
    await page.goto(base + "/retention");
    await page.screenshot({ path: out + `ind-retention-${name}.png`, fullPage: true });
    const mh = await page.request.get(server.url + "/api/v1/units/18322");
    await page.goto(server.url + `/indicators/${(await mh.json()).id}`);
    await page.waitForSelector("#trend-chart svg");
    await page.screenshot({ path: out + `ind-commune-${name}.png`, fullPage: true });
    await ctx.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
