// Screenshots of the unit tree across eras, at phone (390 px) and desktop width:
//   cargo build --bin ansinh && (cd e2e && node screenshots-units.mjs) — into $SHOTS (default /tmp/shots).
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";
const server = await startServer();
const browser = await startBrowser();
const out = (process.env.SHOTS || "/tmp/shots") + "/";
(await import("node:fs")).mkdirSync(out, { recursive: true });
try {
  for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
    const ctx = await browser.newContext({ viewport, deviceScaleFactor: name === "phone" ? 2 : 1 });
    const page = await ctx.newPage();
    await login(page, server.url, "xa.maihoa", DEMO_PASSWORD);
    await page.goto(server.url + "/units");
    await page.screenshot({ path: out + `unit-commune-${name}.png`, fullPage: true });
    await page.goto(server.url + "/units?era=before");
    await page.goto(page.url().replace(/\?.*$/, "") + "?era=before");
    await page.screenshot({ path: out + `unit-commune-before-${name}.png`, fullPage: true });
    await page.goto(server.url + "/units");
    await page.getByRole("link", { name: "Thôn Thanh Bình" }).click();
    await page.locator("details.began-edit summary").click();
    await page.locator("header.unit-head").screenshot({ path: out + `unit-village-start-${name}.png` });
    await page.locator("#children").screenshot({ path: out + `unit-village-children-${name}.png` });
    await login(page, server.url, "tinh.hatinh", DEMO_PASSWORD);
    await page.goto(server.url + "/units/search?q=duc+linh");
    await page.getByRole("link", { name: /Xã Đức Lĩnh/ }).first().click();
    await page.goto(page.url().replace(/\?.*$/, "") + "?era=before");
    await page.screenshot({ path: out + `unit-old-commune-${name}.png` });
    await ctx.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
