// Screenshots of the collection screens at phone (390 px) and desktop width, and the receipts' PDFs:
//   cargo build --bin ansinh && (cd e2e && node screenshots.mjs) — into $SHOTS (default /tmp/shots).
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";
const server = await startServer();
const browser = await startBrowser();
const out = (process.env.SHOTS || "/tmp/shots") + "/";
(await import("node:fs")).mkdirSync(out, { recursive: true });
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await login(page, server.url, "thu.maihoa", DEMO_PASSWORD);
  // Find a person in Thanh Bình village (18322-01) via search.
  await page.goto(server.url + "/persons?q=&unit=18322-01");
  const hrefs = await page.locator("table.list tbody tr td a[href^='/persons/']").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  let pid;
  for (const href of hrefs) {
    pid = href.split("/")[2];
    await page.goto(server.url + `/persons/${pid}/insurance`);
    await page.screenshot({ path: out + "insurance-empty-desktop.png", fullPage: true });
    await page.getByLabel("Thu nhập chọn đóng (đồng/tháng)").first().fill("2.200.000");
    await page.getByRole("button", { name: "Đăng ký" }).click();
    await page.waitForLoadState("networkidle");
    if (await page.getByRole("button", { name: /Thu tiền/ }).count() > 0) break;
  }
  await page.screenshot({ path: out + "insurance-enrolled-desktop.png", fullPage: true });
  await page.getByRole("button", { name: /Thu tiền/ }).first().click();
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: out + "receipt-desktop.png", fullPage: true });
  const receiptUrl = page.url().split("?")[0];
  const pdf = await page.request.get(receiptUrl + "/pdf");
  (await import("node:fs")).writeFileSync(out + "receipt.pdf", await pdf.body());
  const code = (await page.locator("code.token").innerText()).trim();
  await page.goto(server.url + "/collect");
  await page.getByRole("button", { name: /Tạo nhắc nhở/ }).click();
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: out + "collect-desktop.png", fullPage: true });
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const p2 = await phone.newPage();
  await login(p2, server.url, "thu.maihoa", DEMO_PASSWORD);
  await p2.goto(server.url + `/persons/${pid}/insurance`);
  await p2.screenshot({ path: out + "insurance-phone.png", fullPage: true });
  await p2.goto(receiptUrl);
  await p2.screenshot({ path: out + "receipt-phone.png", fullPage: true });
  await p2.goto(server.url + "/collect");
  await p2.screenshot({ path: out + "collect-phone.png", fullPage: true });
  // Household HI page
  await p2.goto(server.url + `/persons/${pid}`);
  const hh = await p2.locator("a[href$='/insurance'][href^='/households/']").first().getAttribute("href");
  await p2.goto(server.url + hh);
  await p2.screenshot({ path: out + "household-phone.png", fullPage: true });
  await page.goto(server.url + hh);
  await page.getByRole("button", { name: "Đăng ký các thành viên đã chọn" }).click();
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: out + "household-desktop.png", fullPage: true });
  await p2.goto(server.url + hh);
  await p2.screenshot({ path: out + "household-enrolled-phone.png", fullPage: true });
  await page.getByRole("button", { name: "Thu tiền BHYT cho cả hộ" }).click();
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: out + "receipt-hi-desktop.png", fullPage: true });
  const hiPdf = await page.request.get(page.url().split("?")[0] + "/pdf");
  (await import("node:fs")).writeFileSync(out + "receipt-hi.pdf", await hiPdf.body());
  const anon = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const p3 = await anon.newPage();
  await p3.goto(server.url + "/bien-lai/" + code.replace(/-/g, ""));
  await p3.screenshot({ path: out + "verify-phone.png", fullPage: true });
  console.log("ok", pid, hh, code);
} finally {
  await browser.close();
  await server.stop();
}
