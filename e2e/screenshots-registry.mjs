// Screenshots of the person list as staff search it, at phone (390 px) and desktop width:
//   cargo build --bin ansinh && (cd e2e && node screenshots-registry.mjs) — into $SHOTS (default /tmp/shots).
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
    await page.goto(server.url + "/persons?q=an&sex=male");
    await page.screenshot({ path: out + `persons-given-${name}.png`, fullPage: name === "desktop" });
    await page.goto(server.url + "/persons?q=0421");
    await page.screenshot({ path: out + `persons-digits-${name}.png`, fullPage: name === "desktop" });
    await page.goto(server.url + "/persons?poverty=poor");
    await page.screenshot({ path: out + `persons-poor-${name}.png`, fullPage: name === "desktop" });
    await ctx.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
