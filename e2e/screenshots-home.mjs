// The home page as each demo role sees it after signing in (phone and desktop):
//   cargo build --bin ansinh && (cd e2e && node screenshots-home.mjs) — into $SHOTS (default /tmp/shots).
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";
const server = await startServer({ today: "2026-12-03" });
const browser = await startBrowser();
const out = (process.env.SHOTS || "/tmp/shots") + "/";
(await import("node:fs")).mkdirSync(out, { recursive: true });
try {
  for (const user of ["tinh.hatinh", "xa.maihoa", "hoi.hoanhson", "thu.maihoa"]) {
    for (const [name, width] of [["phone", 390], ["desktop", 1280]]) {
      const ctx = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      await login(page, server.url, user, DEMO_PASSWORD);
      await page.goto(server.url + "/");
      await page.screenshot({ path: `${out}home-${user}-${name}.png`, fullPage: true });
      await ctx.close();
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
