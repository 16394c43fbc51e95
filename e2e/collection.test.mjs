// A collector registers a household of two, enrols both in household HI and the husband in
// voluntary SI, takes both payments, opens the PDF receipt, checks it on the public page
// (signed out), sees the husband leave the renewal list, closes the day into a remittance; then the
// citizen looks up his own cover with his citizen id and birth date.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";

let server, browser;
before(async () => {
  // December 2026: the rural poverty line is still 1,500,000 ₫, the base salary 2,530,000 ₫.
  server = await startServer({ today: "2026-12-01" });
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function register(page, fields) {
  await page.goto(server.url + "/persons/new");
  await page.getByLabel("Số CCCD").fill(fields.cccd);
  await page.getByLabel("Họ và tên").fill(fields.name);
  await page.getByLabel("Ngày sinh").fill(fields.birth);
  await page.getByLabel("Giới tính").selectOption({ label: fields.sex });
  await page.getByLabel("Nơi ở (thôn, tổ hoặc xã)").fill("18322-02");
  await page.getByLabel("Mã hộ").fill("E2E-01");
  await page.getByLabel("Quan hệ với chủ hộ").selectOption({ label: fields.relation });
  await page.getByRole("button", { name: "Lưu" }).click();
  await page.waitForLoadState("networkidle");
  return page.url().match(/\/persons\/(\d+)/)[1];
}

test("collector: household HI and VSI in one visit, PDF receipt, public check; citizen lookup", async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await login(page, server.url, "thu.maihoa", DEMO_PASSWORD);
  const husband = await register(page, { cccd: "042081555001", name: "Trần Văn Bình", birth: "05/06/1981", sex: "Nam", relation: "Chủ hộ" });
  await register(page, { cccd: "042183555002", name: "Lê Thị Cúc", birth: "1983", sex: "Nữ", relation: "Vợ" });

  // Household HI: both members, 12 months.
  await page.goto(server.url + `/persons/${husband}`);
  await page.getByRole("link", { name: "BHYT hộ gia đình" }).first().click();
  await page.getByRole("button", { name: "Đăng ký các thành viên đã chọn" }).click();
  await page.waitForLoadState("networkidle");
  assert.equal(await page.getByText("Đã đăng ký theo hộ").count(), 2);
  const months = page.getByLabel("Số tháng đóng");
  assert.match(await months.locator("option:checked").innerText(), /12 tháng — 2\.322\.540\s₫/);
  await page.getByRole("button", { name: "Thu tiền BHYT cho cả hộ" }).click();
  await page.getByText("Đã ghi nhận khoản thu và cấp biên lai.").waitFor();
  assert.match(await page.locator(".receipt").innerText(), /Hai triệu ba trăm hai mươi hai nghìn năm trăm bốn mươi đồng/);

  // VSI for the husband: 3 months at 2,200,000 ₫; the renewal list shows him until he pays.
  await page.goto(server.url + `/persons/${husband}/insurance`);
  await page.getByLabel("Thu nhập chọn đóng (đồng/tháng)").fill("2.200.000");
  await page.getByLabel("Phương thức đóng").selectOption("3");
  await page.getByRole("button", { name: "Đăng ký", exact: true }).click();
  await page.waitForLoadState("networkidle");
  await page.goto(server.url + "/collect");
  assert.equal(await page.locator("#due").getByRole("link", { name: "Trần Văn Bình" }).count(), 1);
  await page.goto(server.url + `/persons/${husband}/insurance`);
  await page.getByRole("button", { name: /Thu tiền 1\.254\.000\s₫/ }).click();
  await page.getByText("Đã ghi nhận khoản thu và cấp biên lai.").waitFor();
  const code = (await page.locator("code.token").innerText()).trim();

  // The PDF opens: a real PDF with the fonts embedded.
  const pdf = await page.request.get(page.url().split("?")[0] + "/pdf");
  assert.equal(pdf.headers()["content-type"], "application/pdf");
  const bytes = await pdf.body();
  assert.equal(bytes.subarray(0, 8).toString(), "%PDF-1.7");
  assert.ok(bytes.includes("FontFile2"), "fonts embedded");

  // Paid: he leaves the renewal list; the day adds up.
  await page.goto(server.url + "/collect");
  assert.equal(await page.locator("#due").getByRole("link", { name: "Trần Văn Bình" }).count(), 0);
  assert.match(await page.locator("#day").innerText(), /3\.576\.540\s₫/);
  // Close the day: one remittance batch of both receipts, awaiting the SI office.
  await page.getByRole("button", { name: /Chốt ngày và nộp tiền \(2 biên lai\)/ }).click();
  await page.getByRole("heading", { level: 1, name: /Nộp tiền/ }).waitFor();
  assert.match(await page.locator(".facts").innerText(), /Đã nộp, chờ BHXH xác nhận[\s\S]*3\.576\.540\s₫/);

  // Anyone can check the receipt, signed out, by its code.
  const anon = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const pub = await anon.newPage();
  await pub.goto(server.url + "/bien-lai");
  await pub.getByLabel("Mã xác nhận").fill(code.toLowerCase());
  await pub.getByRole("button", { name: "Kiểm tra" }).click();
  await pub.getByText("Biên lai hợp lệ").waitFor();
  assert.match(await pub.locator(".verdict").innerText(), /T\. V\. Bình/);
  assert.doesNotMatch(await pub.content(), /Trần Văn Bình/);

  // The citizen looks up his own cover: a wrong birth date says nothing, the right one shows it.
  await pub.goto(server.url + "/tra-cuu");
  await pub.getByLabel("Số CCCD").fill("042081555001");
  await pub.getByLabel("Ngày sinh").fill("06/05/1981");
  await pub.getByRole("button", { name: "Tra cứu" }).click();
  await pub.getByText("Không tìm thấy thông tin khớp").waitFor();
  await pub.getByLabel("Ngày sinh").fill("05/06/1981");
  await pub.getByRole("button", { name: "Tra cứu" }).click();
  await pub.getByRole("heading", { name: "T. V. Bình" }).waitFor();
  const text = await pub.locator("section[role=status]").innerText();
  assert.match(text, /BHXH tự nguyện/);
  assert.match(text, /BHYT hộ gia đình/);
  assert.match(text, /1\.254\.000\s₫/);
  await anon.close();
  await ctx.close();
});
