// Coverage indicators, as the province office uses them: open the province dashboard, click a
// commune on the map, drill into a village, and export the People's Council report as PDF.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";

let server, browser;
before(async () => {
  server = await startServer({ today: "2026-12-01" });
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("province dashboard → map click → commune → village → report PDF", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await ctx.newPage();
  await login(page, server.url, "tinh.hatinh", DEMO_PASSWORD);
  await page.getByRole("navigation", { name: "Các phân hệ" }).getByRole("link", { name: "Chỉ tiêu & báo cáo", exact: true }).click();
  await page.getByRole("heading", { name: "Chỉ tiêu bao phủ: Tỉnh Hà Tĩnh" }).waitFor();
  // The headline shows numerator, denominator and its source, never a bare rate.
  const si = page.locator(".kpi").filter({ hasText: "Tỷ lệ tham gia BHXH" }).first();
  assert.match(await si.innerText(), /\d[\d.]* \/ [\d.]+ \(Số liệu minh hoạ \(demo\)/);
  await page.getByText("Số liệu đến ngày").waitFor();
  // The map draws the province's communes; a click on Mai Hoa opens its dashboard.
  await page.waitForSelector("#map svg path");
  await page.locator("#map").scrollIntoViewIfNeeded();
  const pt = await page.evaluate(async () => {
    const el = document.getElementById("map");
    const chart = echarts.getInstanceByDom(el);
    const geo = await (await fetch("/geo/communes/42.json")).json();
    const f = geo.features.find((x) => x.properties.code === "18322");
    const ring = f.geometry.type === "Polygon" ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
    // Area-weighted centroid of the outer ring.
    let a = 0, cx = 0, cy = 0;
    for (let i = 0; i < ring.length - 1; i++) {
      const [x0, y0] = ring[i], [x1, y1] = ring[i + 1];
      const k = x0 * y1 - x1 * y0;
      a += k; cx += (x0 + x1) * k; cy += (y0 + y1) * k;
    }
    const c = [cx / (3 * a), cy / (3 * a)];
    const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, c);
    const r = el.getBoundingClientRect();
    return { x: r.left + x, y: r.top + y };
  });
  await page.mouse.click(pt.x, pt.y);
  await page.getByRole("heading", { name: "Chỉ tiêu bao phủ: Xã Mai Hoa" }).waitFor();
  // Drill into the village of the seed article: 47 of 82 workers in VSI.
  await page.getByRole("link", { name: "Thôn Thanh Bình" }).click();
  await page.getByRole("heading", { name: "Chỉ tiêu bao phủ: Thôn Thanh Bình" }).waitFor();
  const vsi = page.locator(".kpi").filter({ hasText: "Tỷ lệ tham gia BHXH tự nguyện" }).first();
  const text = await vsi.innerText();
  assert.match(text, /57,32 %/);
  assert.match(text, /47 \/ 82/);
  // Back to the province and export its report.
  await page.getByRole("navigation", { name: "Đường dẫn" }).getByRole("link", { name: "Tỉnh Hà Tĩnh" }).click();
  await page.getByRole("heading", { name: "Chỉ tiêu bao phủ: Tỉnh Hà Tĩnh" }).waitFor();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Báo cáo HĐND (PDF)" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^bao-cao-chi-tieu-42-202612\.pdf$/);
  const path = await download.path();
  const { readFileSync } = await import("node:fs");
  const pdf = readFileSync(path);
  assert.equal(pdf.subarray(0, 4).toString(), "%PDF");
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.ok(pages >= 2, `the report has its pages (${pages})`);
  await ctx.close();
});
