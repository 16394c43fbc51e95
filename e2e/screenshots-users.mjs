// The users pages and the place picker (phone and desktop):
//   cargo build --bin ansinh && (cd e2e && node screenshots-users.mjs) — into $SHOTS (default /tmp/shots).
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";
const server = await startServer({ today: "2026-12-03" });
const browser = await startBrowser();
const out = (process.env.SHOTS || "/tmp/shots") + "/";
(await import("node:fs")).mkdirSync(out, { recursive: true });
try {
  for (const [name, width] of [["phone", 390], ["desktop", 1280]]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await ctx.newPage();
    await login(page, server.url, "admin", "admin-password-1");
    await page.goto(server.url + "/users");
    await page.screenshot({ path: `${out}users-${name}.png`, fullPage: true });
    await page.getByRole("link", { name: "phunu.maihoa", exact: true }).click();
    await page.getByText("Đổi vai trò hoặc phạm vi").first().click();
    const field = page.getByRole("combobox", { name: "Địa bàn (phạm vi)" }).first();
    await field.fill("");
    await field.pressSequentially("tổ 4 thanh binh", { delay: 20 });
    await page.locator(".picker-list [role=option]").first().waitFor();
    await page.screenshot({ path: `${out}user-picker-${name}.png`, fullPage: true });
    await page.getByText("Khoá tài khoản…").click();
    await page.getByText("Đặt lại mật khẩu").click();
    await page.screenshot({ path: `${out}user-account-${name}.png`, fullPage: true });
    await ctx.close();
    const c2 = await browser.newContext({ viewport: { width, height: 900 } });
    const m = await c2.newPage();
    await login(m, server.url, "xa.maihoa", DEMO_PASSWORD);
    await m.goto(server.url + "/persons");
    await m.getByRole("combobox", { name: "Địa bàn" }).pressSequentially("Thanh Bình", { delay: 20 });
    await m.locator(".picker-list [role=option]").first().waitFor();
    await m.screenshot({ path: `${out}persons-picker-${name}.png` });
    await m.goto(server.url + "/persons?q=Dũng");
    await m.locator("#person-results td a[href^='/households/']").first().click();
    await m.getByText("Chuyển cả hộ sang nơi ở mới…").click();
    await m.getByRole("combobox", { name: "Nơi ở mới (thôn, tổ hoặc xã)" }).pressSequentially("tổ 2 trung linh", { delay: 20 });
    await m.locator(".picker-list [role=option]").first().waitFor();
    await m.screenshot({ path: `${out}household-move-${name}.png`, fullPage: true });
    await c2.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
