// Starts a real `ansinh serve --demo` on a free port with a fresh data directory, and a
// headless Debian Chromium driven by playwright-core (no browser download).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const BIN = process.env.ANSINH_BIN || new URL("../target/debug/ansinh", import.meta.url).pathname;
export const DEMO_PASSWORD = "demo-ansinh-2026";

// `today` (YYYY-MM-DD) pins the server's day, for flows whose amounts depend on the date.
export async function startServer({ today } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "ansinh-e2e-"));
  const child = spawn(BIN, ["--data-dir", dir, "serve", "--demo", "--listen", "127.0.0.1:0"], {
    env: { ...process.env, ANSINH_ADMIN_PASSWORD: "admin-password-1", ANSINH_DATABASE_URL: "", ANSINH_TODAY: today || "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not start: " + out)), 90000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/[\d.:]+/);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    });
    child.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

export async function login(page, base, username, password) {
  await page.goto(base + "/login");
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill(password);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForLoadState("networkidle");
}
