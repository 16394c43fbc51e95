// Screenshots of the public parameters page (phone, desktop) and of it as a national
// administrator (internal notes, the form):
//   cargo build --bin ansinh && (cd e2e && node screenshots-parameters.mjs) — into $SHOTS (default /tmp/shots).
import { startServer, startBrowser, login } from "./harness.mjs";
const server = await startServer({ today: "2026-12-03" });
const browser = await startBrowser();
const out = (process.env.SHOTS || "/tmp/shots") + "/";
(await import("node:fs")).mkdirSync(out, { recursive: true });
try {
  for (const [name, width] of [["phone", 390], ["desktop", 1280]]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(server.url + "/parameters");
    await page.screenshot({ path: `${out}parameters-${name}.png`, fullPage: false });
    await page.goto(server.url + "/parameters#nha-nuoc-ho-tro");
    await page.screenshot({ path: `${out}parameters-support-${name}.png`, fullPage: false });
    await page.close();
  }
  const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(admin, server.url, "admin", "admin-password-1");
  await admin.goto(server.url + "/parameters?q=hi.household");
  await admin.screenshot({ path: `${out}parameters-admin-desktop.png`, fullPage: true });
  await admin.close();
} finally {
  await browser.close();
  await server.stop();
}
