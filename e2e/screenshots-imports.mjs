// Screenshots of the list-import screens at phone (390 px) and desktop width: the report of a
// file with a bad row, a large import in progress (the job's page following it), the list of
// jobs, and the finished job:
//   cargo build --bin ansinh && (cd e2e && node screenshots-imports.mjs) — into $SHOTS (default
//   /tmp/shots). BASE=http://… uses a server already running instead of starting one.
import { startServer, startBrowser, login, DEMO_PASSWORD } from "./harness.mjs";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const server = process.env.BASE ? { url: process.env.BASE, stop: async () => {} } : await startServer({ today: "2026-12-01" });
const browser = await startBrowser();
const out = (process.env.SHOTS || "/tmp/shots") + "/";
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), "ansinh-shots-import-"));
const header = "cccd,full_name,birth_date,sex,household_code,relation,unit_code\n";
const small = join(dir, "danh-sach-thon.csv");
// A row repaired with a warning (a CCCD that lost its leading 0, «Vợ/chồng») beside a bad one.
writeFileSync(small, header + "42080123401,Trần Văn Lâm,1980,Nam,SC-A,Chủ hộ,18322-01\n042180123402,Lê Thị Hoa,31/02/1980,Nữ,SC-A,Vợ/chồng,18322-01\n");
try {
  let run = 0;
  for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
    run += 1;
    // A large list (new people each run), so the job is still running when the request answers.
    let rows = header;
    for (let i = 0; i < 150000; i++) rows += `0420${80 + run}${String(200000 + i).padStart(6, "0")},Nguyễn Văn An,19${80 + run},Nam,SC-${run}-${i},Chủ hộ,18322-01\n`;
    const large = join(dir, `danh-sach-tinh-${run}.csv`);
    writeFileSync(large, rows);
    const ctx = await browser.newContext({ viewport, deviceScaleFactor: name === "phone" ? 2 : 1 });
    const page = await ctx.newPage();
    await login(page, server.url, "xa.maihoa", DEMO_PASSWORD);
    await page.goto(server.url + "/persons/import");
    const file = page.getByLabel("Tệp CSV hoặc Excel (.xlsx)");
    await file.setInputFiles(small);
    await page.getByRole("button", { name: "Tải lên và nhập" }).click();
    await page.locator("#import-result").getByText("Các dòng lỗi").waitFor();
    await page.screenshot({ path: out + `import-report-${name}.png`, fullPage: true });
    await file.setInputFiles(large);
    await page.getByRole("button", { name: "Tải lên và nhập" }).click();
    await page.locator("#import-result .import-job").waitFor({ timeout: 60000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: out + `import-progress-${name}.png`, fullPage: true });
    const jobs = await ctx.newPage();
    await jobs.goto(server.url + "/imports");
    await jobs.screenshot({ path: out + `imports-${name}.png`, fullPage: true });
    await page.locator("#import-result .import-report").waitFor({ timeout: 600000 });
    const link = await jobs.locator("table.jobs tbody tr a").first().getAttribute("href");
    await jobs.goto(server.url + link);
    await jobs.screenshot({ path: out + `import-job-${name}.png`, fullPage: true });
    await ctx.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
