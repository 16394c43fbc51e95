// Screenshots of the audit page as the administrator sees it after a person was edited:
//   cargo build --bin ansinh && (cd e2e && node screenshots-audit.mjs) — into $SHOTS (default /tmp/shots).
import { startServer, startBrowser, login } from "./harness.mjs";
const server = await startServer({ today: "2026-12-03" });
const browser = await startBrowser();
const out = (process.env.SHOTS || "/tmp/shots") + "/";
(await import("node:fs")).mkdirSync(out, { recursive: true });
try {
  for (const [name, width] of [["phone", 390], ["desktop", 1280]]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await login(page, server.url, "admin", "admin-password-1");
    await page.goto(server.url + "/audit?hide_logins=1");
    await page.screenshot({ path: `${out}audit-${name}.png`, fullPage: false });
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
