// Community models and outreach, as their users do it. An officer launches a tree-pledge model,
// adds two people with their pledges and records a harvest sale; the collector enrols both and
// pays their contributions from the fund (receipts in their names, the fund's share on each);
// the dashboard shows them. A team records visits in a campaign, one with the phone offline
// (sent when it is back online, once), and the last uninsured worker of an inter-family group
// enrols: the group reaches 100 %, dated today.
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

async function api(page, path) {
  const r = await page.request.get(server.url + path);
  assert.equal(r.status(), 200, path);
  return r.json();
}

/// Uninsured workers of a place, through the API (the same list the page shows).
async function uninsured(page, code) {
  const unit = await api(page, `/api/v1/units/${code}`);
  return { unit, list: (await api(page, `/api/v1/groups/${unit.id}`)).uninsured };
}

async function enrolAndPayFromFund(page, personId, model) {
  await page.goto(server.url + `/persons/${personId}/insurance`);
  await page.getByLabel("Phương thức đóng").selectOption("12");
  await page.getByRole("button", { name: "Đăng ký", exact: true }).click();
  await page.waitForLoadState("networkidle");
  await page.getByLabel(new RegExp(`Đóng từ quỹ mô hình «${model}»`)).check();
  await page.getByRole("button", { name: /Thu tiền/ }).first().click();
  await page.getByText("Đã ghi nhận khoản thu và cấp biên lai.").waitFor();
  const receipt = await page.locator(".receipt").innerText();
  assert.match(receipt, new RegExp(`Quỹ ${model}`));
  return page.url().split("?")[0];
}

test("tree-pledge model: launch, pledges, harvest sale, two contributions from the fund, dashboard", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const officer = await ctx.newPage();
  await login(officer, server.url, "xa.maihoa", DEMO_PASSWORD);
  const model = "Cây mai an sinh Yên Thịnh";
  await officer.goto(server.url + "/models");
  await officer.getByText("Ra mắt mô hình mới").click();
  await officer.getByLabel("Tên mô hình").fill(model);
  await officer.getByLabel("Loại mô hình").selectOption("tree_pledge");
  await officer.getByLabel("Tổ chức phụ trách").selectOption("farmers_union");
  await officer.getByLabel("Tháng có thu nhập").fill("13");
  await officer.getByRole("button", { name: "Ra mắt mô hình" }).click();
  // A bad month is refused by name, and nothing is lost.
  await officer.getByText(/Tháng có thu nhập: Tháng có thu nhập «13» không hợp lệ/).waitFor();
  assert.equal(await officer.getByLabel("Tên mô hình").inputValue(), model);
  await officer.getByLabel("Tháng có thu nhập").fill("1");
  await officer.getByLabel("Nguồn thu nhập").fill("Bán mai trước Tết");
  await officer.getByRole("button", { name: "Ra mắt mô hình" }).click();
  await officer.getByRole("heading", { name: model }).waitFor();
  const modelUrl = officer.url().split("?")[0];

  // Two households of Yên Thịnh village, by their codes, with their pledges (the fund pays the
  // head's VSI).
  const { list } = await uninsured(officer, "18322-03");
  const people = [];
  for (const u of list) {
    const p = await api(officer, `/api/v1/persons/${u.person_id}`);
    if (p.relation === "head" && !people.some((x) => x.household === p.household_code)) {
      people.push({ id: u.person_id, name: u.full_name, household: p.household_code });
    }
    if (people.length === 2) break;
  }
  assert.equal(people.length, 2);
  for (const p of people) {
    await officer.getByText("Thêm thành viên").click();
    await officer.getByLabel("Mã hộ hoặc số CCCD").fill(p.household);
    await officer.getByLabel("Số lượng cam kết").fill("2");
    await officer.getByLabel("Đơn vị (gốc mai, con heo…)").fill("gốc mai");
    await officer.getByLabel("Giá trị ước tính mỗi năm (đồng)").fill("6.000.000");
    await officer.getByRole("button", { name: "Thêm vào mô hình" }).click();
    await officer.getByText("Đã lưu.").waitFor();
  }
  assert.equal(await officer.locator("#members tbody tr").count(), 2);
  assert.match(await officer.locator("#members").innerText(), /2 gốc mai, ~6\.000\.000\s₫\/năm/);

  // The harvest sale goes to the common pool.
  await officer.getByText("Ghi khoản thu vào quỹ").click();
  await officer.getByLabel("Loại khoản").selectOption("sale");
  await officer.getByLabel("Số tiền").fill("10.000.000");
  await officer.getByLabel("Ghi chú").fill("Bán mai Tết");
  await officer.getByRole("button", { name: "Ghi vào sổ quỹ" }).click();
  await officer.getByText("Đã lưu.").waitFor();
  assert.match(await officer.locator("#fund").innerText(), /10\.000\.000\s₫/);

  // The collector enrols both and pays 12 months each from the fund.
  const collector = await ctx.browser().newContext({ viewport: { width: 390, height: 844 } }).then((c) => c.newPage());
  await login(collector, server.url, "thu.maihoa", DEMO_PASSWORD);
  const receipts = [];
  for (const p of people) {
    receipts.push(await enrolAndPayFromFund(collector, p.id, model));
  }
  assert.equal(new Set(receipts).size, 2);
  for (const [i, r] of receipts.entries()) {
    await collector.goto(r);
    assert.match(await collector.locator(".receipt").innerText(), new RegExp(people[i].name));
  }

  // The dashboard: two paying, the fund down by two contributions, the statement balanced.
  await officer.goto(modelUrl);
  const tiles = await officer.locator(".tiles").innerText();
  assert.match(tiles, /2\s+Đang đóng BHXH/);
  const fund = await api(officer, `/api/v1/models/${modelUrl.split("/").pop()}/fund`);
  assert.equal(fund.lines.filter((l) => l.entry.kind === "contribution").length, 2);
  assert.equal(fund.lines.reduce((s, l) => s + l.entry.amount, 0), fund.balance);
  assert.ok(fund.balance < 10_000_000 && fund.balance >= 0);
  await officer.goto(modelUrl + "/fund");
  assert.equal(await officer.locator("table a", { hasText: "biên lai" }).count(), 2);
  const pdf = await officer.request.get(modelUrl + "/fund.pdf");
  assert.equal(pdf.headers()["content-type"], "application/pdf");
  assert.ok((await pdf.body()).subarray(0, 5).toString() === "%PDF-");
  await ctx.close();
});

test("campaign: visits on a phone, one offline; the last worker enrols and the group reaches 100%", async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await login(page, server.url, "xa.maihoa", DEMO_PASSWORD);
  // The Thanh Bình group closest to 100 %.
  const { unit: village } = await uninsured(page, "18322-01");
  const groups = (await api(page, `/api/v1/groups/${village.id}`)).lines.filter((l) => l.level === "group");
  const near = groups.filter((g) => g.workers > 0 && g.workers - g.insured === 1)[0];
  assert.ok(near, "a group one short of 100%");
  const left = (await api(page, `/api/v1/groups/${near.unit_id}`)).uninsured[0];

  await page.goto(server.url + "/outreach");
  await page.getByText("Tạo đợt vận động").click();
  await page.getByLabel("Đợt vận động").fill("Về đích 100% tổ liên gia");
  await page.getByLabel("Địa bàn (xã, thôn, tổ)").fill(near.code);
  await page.getByLabel("Từ ngày").fill("01/12/2026");
  await page.getByLabel("Đến ngày").fill("31/12/2026");
  await page.getByRole("button", { name: "Tạo đợt" }).click();
  await page.getByRole("heading", { name: "Về đích 100% tổ liên gia" }).waitFor();
  const campaignUrl = page.url();

  // At the door, without a signal: the visit stays on the phone.
  await page.locator("details.place summary").first().click();
  await page.locator("details.visit summary", { hasText: left.full_name }).click();
  const form = page.locator("details.visit[open] form");
  await ctx.setOffline(true);
  await form.getByLabel("Hẹn sẽ tham gia").check();
  await form.getByLabel("Lý do").fill("Chờ bán lạc");
  await form.getByRole("button", { name: "Lưu lần thăm" }).click();
  await form.getByText("Chưa có mạng: đã lưu trên máy").waitFor();
  assert.match(await page.locator("#offline-status").innerText(), /Còn 1 lần thăm lưu trên máy/);
  // Back online: sent once.
  await ctx.setOffline(false);
  await page.locator("#offline-sent").waitFor({ state: "visible" });
  await page.goto(campaignUrl);
  assert.equal(await page.locator("#visits tbody tr").count(), 1);
  assert.match(await page.locator("#visits").innerText(), /Hẹn sẽ tham gia · Chờ bán lạc/);
  // The same visit sent again (a retry after a lost answer) is still one visit.
  const visit = await api(page, `/api/v1/campaigns/${campaignUrl.split("/").pop().split("?")[0]}`);
  const again = await page.request.post(server.url + "/api/v1/visits", {
    data: { client_id: visit.visits[0].client_id, person_id: left.person_id, campaign_id: visit.campaign.id, visited_on: "2026-12-01", outcome: "will_enrol" },
  });
  assert.equal(again.status(), 200);
  assert.equal((await again.json()).replayed, true);

  // The collector enrols and takes the payment: the group reaches 100 %, dated today.
  const collector = await browser.newContext({ viewport: { width: 390, height: 844 } }).then((c) => c.newPage());
  await login(collector, server.url, "thu.maihoa", DEMO_PASSWORD);
  await collector.goto(server.url + `/persons/${left.person_id}/insurance`);
  // Never enrolled, or enrolled once and lapsed (then the payment re-registers).
  const enrol = collector.getByRole("button", { name: "Đăng ký", exact: true });
  if (await enrol.count()) {
    await enrol.click();
    await collector.waitForLoadState("networkidle");
  }
  await collector.getByRole("button", { name: /Thu tiền/ }).first().click();
  await collector.getByText("Đã ghi nhận khoản thu và cấp biên lai.").waitFor();

  await page.goto(server.url + `/groups/${village.id}`);
  const row = page.locator("tr", { hasText: near.name });
  assert.match(await row.innerText(), /100,0%/);
  assert.match(await row.innerText(), /01\/12\/2026/);
  // The funnel counts the enrolment for the campaign.
  await page.goto(campaignUrl);
  assert.match(await page.locator(".funnel").innerText(), /1\s+Đã tham gia/);
  await ctx.close();
});

test("a campaign's places picked by name, several in one field (phone)", async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await ctx.newPage();
  await login(page, server.url, "xa.maihoa", DEMO_PASSWORD);
  await page.goto(server.url + "/outreach");
  await page.locator("details.card > summary").first().tap();
  const field = page.locator("#campaign-places");
  await field.fill("Thanh Bình");
  await page.locator("#campaign-places-list [role=option]").first().tap();
  assert.match(await field.inputValue(), /^Thôn Thanh Bình .*\(18322-01\); $/);
  await field.pressSequentially("Trung L");
  const second = page.locator("#campaign-places-list [role=option]", { hasText: "Trung Lĩnh" });
  await second.waitFor();
  await second.tap();
  const value = await field.inputValue();
  assert.match(value, /\(18322-01\); Thôn Trung Lĩnh .*\(18322-02\); $/, value);
  await ctx.close();
});
