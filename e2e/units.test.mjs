// A commune officer browses her commune, switches eras (htmx), adds a village and meets a
// duplicate-name error — all as a person sees it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test("commune officer: units, era switch, add a village", async () => {
  const page = await browser.newPage();
  await login(page, server.url, "xa.maihoa", DEMO_PASSWORD);
  await page.goto(server.url + "/units");
  await page.getByRole("heading", { level: 1, name: "Xã Mai Hoa" }).waitFor();
  const children = page.locator("#children");
  assert.ok(await children.getByRole("link", { name: "Thôn Thanh Bình" }).isVisible());
  assert.match(await page.locator(".unit-head").innerText(), /Hình thành từ \(3\)/);

  // Before the reform Mai Hoa did not exist: it says so and names the old communes (as text:
  // she cannot open them); the URL follows (hx-push-url).
  await page.getByRole("link", { name: /Trước 01\/07\/2025/ }).click();
  await children.getByText(/chưa có vào ngày 30\/06\/2025/).waitFor();
  assert.match(await children.locator(".notice").innerText(), /\(từ 01\/07\/2025\); khi đó là: Xã Ân Phú, Xã Đức Giang, Xã Đức Lĩnh\./);
  assert.match(page.url(), /era=before/);
  await page.getByRole("link", { name: "Từ 01/07/2025" }).click();
  await children.getByRole("link", { name: "Thôn Thanh Bình" }).waitFor();

  // Add a village without leaving the page.
  await page.getByLabel("Tên", { exact: true }).fill("Tân Hòa");
  await page.getByRole("button", { name: "Thêm" }).click();
  await children.getByRole("link", { name: "Thôn Tân Hòa" }).waitFor();
  // The same name typed without diacritics is refused, with the reason.
  await page.getByLabel("Tên", { exact: true }).fill("tan hoa");
  await page.getByRole("button", { name: "Thêm" }).click();
  const err = children.getByRole("alert");
  await err.waitFor();
  assert.match(await err.innerText(), /Đã có «Thôn Tân Hòa»/);

  // Open the village: its inter-family groups live under it.
  await children.getByRole("link", { name: "Thôn Thanh Bình" }).click();
  await page.getByRole("heading", { level: 1, name: "Thôn Thanh Bình" }).waitFor();
  assert.equal(await page.locator("#children tbody tr").count(), 6);
  await page.close();
});

test("another commune's village is not found", async () => {
  const page = await browser.newPage();
  await login(page, server.url, "hoi.hoanhson", DEMO_PASSWORD);
  await page.goto(server.url + "/units/search?q=thanh+binh");
  assert.match(await page.locator("#unit-results").innerText(), /Không tìm thấy/);
  await page.close();
});

test("province officer: before the merger, the old commune with its villages", async () => {
  const page = await browser.newPage();
  await login(page, server.url, "tinh.hatinh", DEMO_PASSWORD);
  await page.goto(server.url + "/units/search?q=mai+hoa");
  await page.getByRole("link", { name: /Xã Mai Hoa/ }).first().click();
  await page.getByRole("heading", { level: 1, name: "Xã Mai Hoa" }).waitFor();
  await page.getByRole("link", { name: /Trước 01\/07\/2025/ }).click();
  const children = page.locator("#children");
  await children.getByRole("link", { name: "Xã Đức Lĩnh" }).click();
  await page.getByRole("heading", { level: 1, name: "Xã Đức Lĩnh" }).waitFor();
  assert.match(page.url(), /on=2025-06-30/);
  await children.getByRole("link", { name: "Thôn Thanh Bình" }).click();
  await page.getByRole("heading", { level: 1, name: "Thôn Thanh Bình" }).waitFor();
  const crumbs = await page.locator("nav.crumbs").innerText();
  assert.match(crumbs, /Huyện Vũ Quang › Xã Đức Lĩnh/, "the crumbs of then");
  assert.match(await page.locator(".unit-head").innerText(), /Trước khi sáp nhập thuộc\s*Xã Đức Lĩnh/);
  await page.close();
});
