// Users administered on the web with the one place picker: an administrator changes a member's
// scope by typing a place's name and choosing it (keyboard on a desktop, a tap on a phone); a
// commune officer filters the person list by a place's name the same way.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer({ today: "2026-12-03" }); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

async function openUser(page, username) {
  await page.goto(server.url + "/users");
  await page.getByRole("link", { name: username, exact: true }).click();
  await page.getByRole("heading", { level: 1 }).filter({ hasText: username }).waitFor();
}

for (const [what, viewport, tap] of [["desktop", { width: 1280, height: 900 }, false], ["phone", { width: 390, height: 844 }, true]]) {
  test(`an administrator changes a user's scope with the picker (${what})`, async () => {
    const ctx = await browser.newContext({ viewport, hasTouch: tap, isMobile: tap });
    const page = await ctx.newPage();
    await login(page, server.url, "admin", "admin-password-1");
    const user = tap ? "hoi.phuctrach" : "phunu.maihoa";
    await openUser(page, user);
    await page.getByText("Đổi vai trò hoặc phạm vi").first().click();
    const field = page.getByRole("combobox", { name: "Địa bàn (phạm vi)" }).first();
    await field.fill("");
    await field.pressSequentially(tap ? "tổ 4 thanh binh" : "thanh binh", { delay: 30 });
    const option = page.getByRole("option", { name: tap ? /Tổ liên gia số 4 · Thôn Thanh Bình · Xã Mai Hoa/ : /^Thôn Thanh Bình · Xã Mai Hoa/ });
    await option.first().waitFor();
    assert.equal(await field.getAttribute("aria-expanded"), "true");
    if (tap) {
      await option.first().tap();
    } else {
      // The administrator sees the whole country: arrows walk the list to Mai Hoa's village.
      for (let i = 0; i < 12 && (await option.first().getAttribute("aria-selected")) !== "true"; i++) await field.press("ArrowDown");
      assert.equal(await option.first().getAttribute("aria-selected"), "true");
      assert.equal(await field.getAttribute("aria-activedescendant"), await option.first().getAttribute("id"));
      await field.press("Enter");
    }
    assert.match(await field.inputValue(), tap ? /^Tổ liên gia số 4 · Thôn Thanh Bình · Xã Mai Hoa \(18322-\d+-\d+\)$/ : /^Thôn Thanh Bình · Xã Mai Hoa \(18322-\d+\)$/);
    assert.equal(await field.getAttribute("aria-expanded"), "false");
    await page.getByRole("button", { name: "Lưu" }).first().click();
    await page.getByText("Đã lưu vai trò và phạm vi.").waitFor();
    const grants = page.locator("ul.grants");
    assert.match(await grants.innerText(), tap ? /Tổ liên gia số 4 · Thôn Thanh Bình · Xã Mai Hoa/ : /Thôn Thanh Bình · Xã Mai Hoa/);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `the user page is ${wide}px wider than the screen`);
    await ctx.close();
  });
}

test("a commune officer filters people by a place's name", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(page, server.url, "xa.maihoa", DEMO_PASSWORD);
  await page.goto(server.url + "/persons");
  await page.getByLabel("Tìm theo tên, số CCCD hoặc số điện thoại").fill("Dũng");
  const field = page.getByRole("combobox", { name: "Địa bàn" });
  await field.pressSequentially("Thanh Bình", { delay: 30 });
  await page.getByRole("option", { name: /^Thôn Thanh Bình · Xã Mai Hoa/ }).click();
  await page.waitForFunction(() => document.querySelector("#person-results")?.innerText.includes("Thôn Thanh Bình"));
  const rows = page.locator("#person-results table.list tbody tr");
  await rows.first().waitFor();
  const text = await page.locator("#person-results").innerText();
  assert.match(text, /Dũng/);
  assert.ok(!/Trung Lĩnh|Yên Thịnh|Vĩnh Hòa/.test(await rows.allInnerTexts().then((t) => t.join("\n"))), "only Thanh Bình's people");
  await page.close();
});

test("a province list shows its exact total once counted", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await login(page, server.url, "tinh.hatinh", DEMO_PASSWORD);
  await page.goto(server.url + "/persons");
  const exact = page.locator("#person-results [data-count=exact]");
  await exact.waitFor();
  const n = Number((await exact.innerText()).replace(/\./g, ""));
  assert.ok(n > 1000, `exact total ${n}`);
  assert.equal(await page.getByText("đang đếm chính xác").count(), 0);
  await page.close();
});
