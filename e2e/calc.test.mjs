// A citizen uses the estimator without signing in: result, chart with a table, an error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test("estimator: what to pay, retirement, plans, errors", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone
  await page.goto(server.url + "/calc");
  await page.getByText("Nhập tháng, năm sinh").waitFor();
  await page.getByLabel("Nam", { exact: true }).check();
  await page.getByLabel("Tháng, năm sinh").fill("1980-05");
  await page.getByLabel("Bắt đầu đóng từ tháng").fill("2026-01");
  await page.getByLabel("Thu nhập chọn đóng (₫/tháng)").fill("3.000.000");
  await page.getByRole("button", { name: "Tính" }).click();
  const result = page.locator("#result");
  await result.getByText("Số tiền đóng lần này").waitFor();
  assert.match(await result.innerText(), /05\/2042/);
  // 12 months × 22% × 3,000,000 − 12 × 20% × 22% × 1,500,000 (2026 poverty line)
  assert.match(await result.locator(".result-now .big").innerText(), /7\.128\.000 ₫/);
  // The chart is drawn (SVG renderer) and its numbers are in the table beside it.
  await page.locator("#plan-chart svg").waitFor();
  const plans = result.locator("section", { hasText: "So sánh các mức đóng" });
  assert.equal(await plans.locator("tbody tr").count(), 3);

  await page.getByLabel("Thu nhập chọn đóng (₫/tháng)").fill("100");
  await page.getByRole("button", { name: "Tính" }).click();
  await result.getByRole("alert").waitFor();
  assert.match(await result.getByRole("alert").first().innerText(), /ngoài khoảng cho phép/);
  await page.close();
});
