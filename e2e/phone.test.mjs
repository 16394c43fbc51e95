// Phone first: on a 390 px screen no page scrolls sideways (tables scroll inside their box),
// the header collapses to a menu that opens, marks the current section and leads on.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer({ today: "2026-12-03" }); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

async function width(page) {
  return page.evaluate(() => {
    const wide = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest(".scroll, .top, .chart, .map"))
      .slice(0, 3)
      .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
    return { scroll: document.documentElement.scrollWidth, viewport: window.innerWidth, wide };
  });
}

async function noSideways(page, what) {
  const w = await width(page);
  assert.ok(w.scroll <= w.viewport, `${what}: ${w.scroll}px wide in ${w.viewport}px (${w.wide.join(", ")})`);
}

test("no page is wider than a phone", async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  const pub = ["/", "/calc", "/calc?sex=male&birth=05%2F1980&income=3tr", "/calc/hi?members=4", "/parameters", "/bien-lai", "/tra-cuu", "/login"];
  for (const p of pub) { await page.goto(server.url + p); await noSideways(page, p); }
  await login(page, server.url, "tinh.hatinh", DEMO_PASSWORD);
  const staff = ["/", "/units", "/persons", "/persons?q=Dũng", "/persons/new", "/models", "/outreach", "/indicators", "/imports"];
  for (const p of staff) { await page.goto(server.url + p); await page.waitForLoadState("networkidle"); await noSideways(page, p); }
  // A person's page, a household's and the unit page, reached as a user would.
  await page.goto(server.url + "/persons?q=&unit=18322-01");
  await page.locator("table.list tbody tr td a[href^='/persons/']").first().click();
  await page.waitForLoadState("networkidle");
  await noSideways(page, page.url());
  await ctx.close();
  const admin = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const a = await admin.newPage();
  await login(a, server.url, "xa.maihoa", DEMO_PASSWORD);
  for (const p of ["/collect", "/persons"]) { await a.goto(server.url + p); await noSideways(a, p); }
  await admin.close();
});

test("the phone header is a menu that marks where you are", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(server.url + "/calc");
  const menu = page.getByRole("button", { name: "Menu" });
  assert.equal(await menu.getAttribute("aria-expanded"), "false");
  assert.equal(await page.getByRole("link", { name: "Tham số pháp lý" }).isVisible(), false);
  await menu.click();
  assert.equal(await menu.getAttribute("aria-expanded"), "true");
  const current = page.locator(".areas a[aria-current=page]");
  assert.equal(await current.innerText(), "Máy tính BHXH");
  await noSideways(page, "open menu");
  await page.getByRole("link", { name: "Tham số pháp lý" }).click();
  await page.waitForURL(/\/parameters/);
  assert.equal(await page.getByRole("button", { name: "Menu" }).getAttribute("aria-expanded"), "false");
  // On a desktop the areas are in the header itself.
  const wide = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await wide.goto(server.url + "/calc");
  assert.equal(await wide.getByRole("button", { name: "Menu" }).isVisible(), false);
  assert.equal(await wide.getByRole("link", { name: "Tham số pháp lý" }).isVisible(), true);
  await wide.close();
  await page.close();
});

test("a failed submit puts the focus on what to fix; a person added is confirmed", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await login(page, server.url, "xa.maihoa", DEMO_PASSWORD);
  await page.goto(server.url + "/persons/new");
  const mark = await page.locator("label", { has: page.locator("input[name=full_name]") })
    .evaluate((el) => getComputedStyle(el, "::before").content);
  assert.match(mark, /\*/);
  await page.getByRole("button", { name: "Lưu" }).click();
  await page.locator(".error-summary").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("error-summary")), true);
  await page.getByLabel("Số CCCD").fill("042090000777");
  await page.getByLabel("Họ và tên").fill("Phạm Văn Xác");
  await page.getByLabel("Ngày sinh").fill("15/03/1990");
  await page.locator("select[name=sex]").selectOption({ index: 1 });
  await page.getByLabel("Nơi ở (thôn, tổ hoặc xã)").fill("18322-01");
  await page.getByRole("button", { name: "Lưu" }).click();
  await page.getByText("Đã thêm nhân khẩu vào sổ.").waitFor();
  await page.getByRole("link", { name: "Sửa", exact: true }).click();
  assert.equal(await page.locator("details#edit").getAttribute("open"), "");
  await page.close();
});
