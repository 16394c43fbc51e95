// A commune officer imports a small file with one bad row, sees the error naming the row and
// the column, fixes the file, imports it, and finds the person by a name typed without
// diacritics — all as a person sees it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";

let server, browser, dir;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
  dir = mkdtempSync(join(tmpdir(), "ansinh-e2e-import-"));
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// CCCD: "042" (Hà Tĩnh) + century/sex digit (1900s: male 0, female 1) + 2-digit birth year + serial.
const cccd = (sex, year, serial) =>
  "042" + (Math.floor((year - 1900) / 100) * 2 + (sex === "Nữ" ? 1 : 0)) + String(year % 100).padStart(2, "0") + serial;

function csv(rows) {
  const header = "Số CCCD,Họ và tên,Ngày sinh,Giới tính,Mã hộ,Quan hệ với chủ hộ,Mã thôn/tổ/xã";
  return [header, ...rows.map((r) => r.join(","))].join("\n") + "\n";
}

test("commune officer: import with a bad row, fix it, find the person without diacritics", async () => {
  const page = await browser.newPage();
  await login(page, server.url, "xa.maihoa", DEMO_PASSWORD);
  await page.goto(server.url + "/persons");
  await page.getByRole("link", { name: "Nhập từ tệp Excel/CSV" }).click();
  await page.getByRole("heading", { level: 1, name: "Nhập danh sách nhân khẩu" }).waitFor();

  const head = ["" + cccd("Nam", 1992, "999991"), "Khổng Minh Triết", "12/04/1992", "Nam", "KM-01", "Chủ hộ", "18322-01"];
  // Row 3: Excel dropped a digit of the citizen ID.
  const wife = (id) => [id, "Khổng Thị Mai", "1995", "Nữ", "KM-01", "Vợ", "18322-01"];
  const bad = join(dir, "nhan-khau.csv");
  writeFileSync(bad, csv([head, wife(cccd("Nữ", 1995, "99999"))]));

  const file = page.getByLabel("Tệp CSV hoặc Excel (.xlsx)");
  const submit = page.getByRole("button", { name: "Tải lên và nhập" });
  await file.setInputFiles(bad);
  // htmx posts the file in the background: the page (and this marker) stays.
  await page.evaluate(() => { window.stayed = true; });
  await submit.click();
  const result = page.locator("#import-result");
  await result.getByText("Các dòng lỗi").waitFor();
  const errors = await result.locator(".row-errors").innerText();
  assert.match(errors, /dòng 3, cột Số CCCD: Số CCCD «04219599999» có 11 chữ số, cần đúng 12/);
  assert.equal(await result.locator(".row-errors li").count(), 1);
  assert.match(await result.getByRole("alert").innerText(), /Không ghi dòng nào/);
  assert.equal(await page.evaluate(() => window.stayed), true);

  // Fixed: both rows are written, in one new household.
  const good = join(dir, "nhan-khau-da-sua.csv");
  writeFileSync(good, csv([head, wife(cccd("Nữ", 1995, "999992"))]));
  await file.setInputFiles(good);
  await submit.click();
  await result.getByText("Kết quả nhập: nhan-khau-da-sua.csv").waitFor();
  assert.equal(await result.locator("[data-count=created]").innerText(), "2");
  assert.equal(await result.locator(".row-errors").count(), 0);

  // A list as communes write it: tab-separated, "Vợ/chồng" for a wife, a CCCD whose leading 0
  // Excel dropped (restored, with a warning on that row), a lodger with no household.
  const tsv = join(dir, "to-5.tsv");
  const lines = [
    ["Số CCCD", "Họ và tên", "Ngày sinh", "Giới tính", "Mã hộ", "Quan hệ với chủ hộ", "Mã thôn/tổ/xã"],
    [cccd("Nam", 1980, "999993").slice(1), "Lê Văn Lâm", "1980", "Nam", "LV-01", "Chủ hộ", "18322-01"],
    [cccd("Nữ", 1982, "999994"), "Hồ Thị Lan", "1982", "Nữ", "LV-01", "Vợ/chồng", "18322-01"],
    [cccd("Nam", 1990, "999995"), "Trần Văn Trọ", "1990", "Nam", "", "", "18322-01"],
  ];
  writeFileSync(tsv, lines.map((l) => l.join("\t")).join("\n") + "\n");
  await file.setInputFiles(tsv);
  await submit.click();
  await result.getByText("Kết quả nhập: to-5.tsv").waitFor();
  assert.equal(await result.locator("[data-count=created]").innerText(), "3");
  assert.equal(await result.locator(".row-errors").count(), 0);
  assert.match(await result.locator(".row-warnings").innerText(), /dòng 2, cột Số CCCD: số CCCD «42080999993» có 11 chữ số[\s\S]*đã đọc là 042080999993/);

  // Every upload is a job, listed newest first with its state and outcome.
  await page.goto(server.url + "/imports");
  await page.getByRole("heading", { level: 1, name: "Các lần nhập danh sách" }).waitFor();
  const jobs = page.locator("table.jobs tbody tr");
  assert.equal(await jobs.count(), 3);
  assert.match(await jobs.nth(1).innerText(), /nhan-khau-da-sua\.csv[\s\S]*Xong[\s\S]*Thêm mới: 2/);

  // Search, typed without diacritics: the list refreshes as one types (htmx), the address follows.
  await page.getByRole("link", { name: "Đăng ký dân cư" }).first().click();
  await page.getByRole("heading", { level: 1, name: "Đăng ký dân cư" }).waitFor();
  await page.getByLabel("Tìm theo tên, số CCCD hoặc số điện thoại").fill("khong minh triet");
  const results = page.locator("#person-results");
  await results.getByRole("link", { name: "Khổng Minh Triết" }).waitFor();
  assert.equal(await results.locator("tbody tr").count(), 1);
  const row = await results.locator("tbody tr").first().innerText();
  assert.match(row, /042092999991/);
  assert.match(row, /12\/04\/1992/);
  assert.match(row, /KM-01/);
  await page.waitForURL(/\/persons\?q=khong%20minh%20triet/);

  // The person's page: the household with both members.
  await results.getByRole("link", { name: "Khổng Minh Triết" }).click();
  await page.getByRole("heading", { level: 1, name: "Khổng Minh Triết" }).waitFor();
  assert.match(await page.locator("body").innerText(), /Khổng Thị Mai/);
  await page.close();
});
