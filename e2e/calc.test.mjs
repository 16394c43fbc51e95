// A citizen uses the estimator without signing in, on a phone: result, chart with a table,
// a shared and reloaded link, an income under the minimum fixed in one click, the missing
// period at retirement age, and the household HI calculator beside it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser } from "./harness.mjs";

let server, browser;
// 3 Dec 2026: the rural poverty line is 1,500,000 ₫ until it rises to 2,200,000 ₫ on 1 Jan 2027.
before(async () => { server = await startServer({ today: "2026-12-03" }); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const INCOME = "Mức thu nhập tháng làm căn cứ đóng (₫)";

async function noSidewaysScroll(page) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `page is ${scroll}px wide in a ${width}px viewport`);
}

test("estimator: what to pay, retirement, plans, a shared link, errors", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone
  await page.goto(server.url + "/calc");
  await page.getByText("Nhập tháng, năm sinh").waitFor();
  await page.getByLabel("Nam", { exact: true }).check();
  await page.getByLabel("Tháng, năm sinh").fill("05/1980");
  await page.getByLabel(INCOME).fill("3tr");
  await page.getByRole("button", { name: "Tính" }).click();
  const result = page.locator("#result");
  await result.getByText("Số tiền đóng lần này").waitFor();
  assert.match(await result.innerText(), /05\/2042/);
  // 12 months × 22% × 3,000,000 − 12 × 20% × 22% × 1,500,000, priced on 03/12/2026.
  const big = await result.locator(".result-now .big").innerText();
  assert.match(big, /7\.128\.000\u00a0₫/);
  // The chart is drawn (SVG renderer) and the chosen row of the table is the headline.
  await page.locator("#plan-chart svg").waitFor();
  const plans = result.locator("section", { hasText: "So sánh các mức đóng" });
  assert.equal(await plans.locator("tbody tr").count(), 3);
  assert.match(await plans.locator("tr.chosen").innerText(), /7\.128\.000\u00a0₫/);
  await noSidewaysScroll(page);

  // The address bar holds the result: reloading it, or opening it elsewhere, is the page.
  await page.waitForURL(/\/calc\?.*income=3tr/);
  const shared = page.url();
  assert.doesNotMatch(shared, /\/calc\/result/);
  await page.reload();
  await page.locator("h1", { hasText: "Máy tính BHXH tự nguyện" }).waitFor();
  assert.match(await page.locator("#result .result-now .big").innerText(), /7\.128\.000\u00a0₫/);
  assert.equal(await page.getByLabel(INCOME).inputValue(), "3tr");
  const other = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await other.goto(shared);
  assert.match(await other.locator("#result .result-now .big").innerText(), /7\.128\.000\u00a0₫/);
  await other.close();

  // Under the minimum: the reason and one click to compute with it.
  await page.getByLabel(INCOME).fill("1.000.000");
  await page.getByRole("button", { name: "Tính" }).click();
  await result.getByRole("alert").waitFor();
  assert.match(await result.getByRole("alert").first().innerText(), /ngoài khoảng cho phép .* cho tháng 12\/2026/);
  await page.getByRole("link", { name: /Tính với 1\.500\.000\s₫/ }).click();
  await page.locator("#result .result-now .big").waitFor();
  assert.equal(await page.getByLabel(INCOME).inputValue(), "1.500.000");
  await page.close();
});

test("estimator: past retirement age, the missing period and the social pension", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(server.url + "/calc?sex=male&birth=05%2F1960&paid_years=10&income=2tr&mode=12");
  const result = page.locator("#result");
  await result.getByText("Có thể đóng một lần cho").waitFor();
  assert.match(await result.innerText(), /Trợ cấp hưu trí xã hội[\s\S]*05\/2035/);
  await page.getByRole("link", { name: "Tính số tiền đóng một lần" }).click();
  await result.getByRole("heading", { name: "Đóng một lần cho thời gian còn thiếu" }).waitFor();
  assert.equal(await page.locator("select[name=mode]").inputValue(), "missing");
  await noSidewaysScroll(page);
  await page.close();
});

test("household HI calculator: members, period, total", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(server.url + "/calc");
  await page.getByRole("link", { name: "BHYT hộ gia đình" }).click();
  await page.getByLabel("Số người tham gia BHYT theo hộ").fill("4");
  await page.getByRole("button", { name: "Tính" }).click();
  const result = page.locator("#hi-result");
  await result.getByText("Số tiền cả hộ đóng").waitFor();
  // 113,850 + 79,695 + 68,310 + 56,925 a month (base salary 2,530,000), 12 months.
  assert.match(await result.locator(".big").innerText(), /3\.825\.360\u00a0₫/);
  await page.waitForURL(/\/calc\/hi\?.*members=4/);
  await page.reload();
  assert.match(await page.locator("#hi-result .big").innerText(), /3\.825\.360\u00a0₫/);
  await noSidewaysScroll(page);
  await page.close();
});
