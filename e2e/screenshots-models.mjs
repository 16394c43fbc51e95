// Screenshots of the community-model and outreach screens at phone (390 px) and desktop width,
// and the fund statement's PDF:
//   cargo build --bin ansinh && (cd e2e && node screenshots-models.mjs) — into $SHOTS (default
//   /tmp/shots). BASE=http://… uses a server already running instead of starting one.
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";
import { mkdirSync, writeFileSync } from "node:fs";
const server = process.env.BASE ? { url: process.env.BASE, stop: async () => {} } : await startServer({ today: "2026-12-01" });
const browser = await startBrowser();
const out = (process.env.SHOTS || "/tmp/shots") + "/";
mkdirSync(out, { recursive: true });
try {
  for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
    const ctx = await browser.newContext({ viewport, deviceScaleFactor: name === "phone" ? 2 : 1 });
    const page = await ctx.newPage();
    await login(page, server.url, "tinh.hatinh", DEMO_PASSWORD);
    await page.goto(server.url + "/models");
    await page.screenshot({ path: out + `models-${name}.png`, fullPage: true });
    const mai = await page.getByRole("link", { name: "Cây mai an sinh" }).getAttribute("href");
    await page.goto(server.url + mai);
    await page.screenshot({ path: out + `model-${name}.png`, fullPage: true });
    await page.goto(server.url + mai + "/fund");
    await page.screenshot({ path: out + `fund-${name}.png`, fullPage: true });
    if (name === "desktop") {
      const pdf = await page.request.get(server.url + mai + "/fund.pdf");
      writeFileSync(out + "fund.pdf", await pdf.body());
      const xlsx = await page.request.get(server.url + mai + "/fund.xlsx");
      writeFileSync(out + "fund.xlsx", await xlsx.body());
    }
    const full = await page.request.get(server.url + "/api/v1/units/18322-01");
    const tb = (await full.json()).id;
    await page.goto(server.url + `/groups/${tb}`);
    await page.screenshot({ path: out + `groups-${name}.png`, fullPage: true });
    await page.close();
    const p2 = await ctx.newPage();
    await ctx.clearCookies();
    await login(p2, server.url, "xa.maihoa", DEMO_PASSWORD);
    await p2.goto(server.url + "/outreach");
    await p2.screenshot({ path: out + `outreach-${name}.png`, fullPage: true });
    const k = await p2.locator("a[href^='/campaigns/']").first().getAttribute("href");
    await p2.goto(server.url + k);
    await p2.locator("details.place summary").first().click();
    await p2.locator("details.place details.visit summary").first().click();
    await p2.screenshot({ path: out + `campaign-${name}.png`, fullPage: true });
    await p2.goto(server.url + "/outreach/next");
    await p2.locator("details summary").first().click();
    await p2.screenshot({ path: out + `next-${name}.png`, fullPage: true });
    await ctx.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
