// Screenshots of the collector's renewal list (per village and group, narrowed by place and
// part), at phone (390 px) and desktop width:
//   cargo build --bin ansinh && (cd e2e && node screenshots-collect.mjs) — into $SHOTS (default /tmp/shots).
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";
const server = await startServer();
const browser = await startBrowser();
const out = (process.env.SHOTS || "/tmp/shots") + "/";
(await import("node:fs")).mkdirSync(out, { recursive: true });
try {
  for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
    const ctx = await browser.newContext({ viewport, deviceScaleFactor: name === "phone" ? 2 : 1 });
    const page = await ctx.newPage();
    await login(page, server.url, "thu.maihoa", DEMO_PASSWORD);
    await page.goto(server.url + "/collect?days=60");
    await page.locator("#due").screenshot({ path: out + `collect-due-${name}.png` });
    await page.goto(server.url + "/collect?days=60&status=overdue&place=Th%C3%B4n%20Thanh%20B%C3%ACnh");
    await page.locator("#due").screenshot({ path: out + `collect-due-village-${name}.png` });
    await page.goto(server.url + "/collect?place=Nowhere&status=late");
    await page.locator("#due form").screenshot({ path: out + `collect-due-error-${name}.png` });
    await ctx.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
