// dashboard.mjs drives the Hookline dashboard in headless Chromium. It is
// run by TestDashboardInBrowser (cmd/hookline/dashboard_test.go) with
// BASE_URL, EMAIL, PASSWORD, MP3_FILE, SCREENSHOTS and USER_DATA_DIR set.
import { createRequire } from "node:module";
import assert from "node:assert/strict";
import path from "node:path";

// NODE_PATH does not apply to ES module imports, so load through require.
const require = createRequire(path.join(process.env.NODE_PATH, "noop.js"));
const { chromium } = require("playwright-core");

const base = process.env.BASE_URL;
const shots = process.env.SCREENSHOTS;
const smsPhone = "+17755382277";
const rvmPhone = "+17755382278";
const step = (s) => console.log(`step: ${s}`);

const browser = await chromium.launchPersistentContext(process.env.USER_DATA_DIR, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1280, height: 860 },
  deviceScaleFactor: 1,
});
const context = browser;
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
const page = context.pages()[0] || (await context.newPage());
page.setDefaultTimeout(15000);
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
const shot = (name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

try {
  step("sign in");
  await page.goto(base + "/triggers");
  assert.match(page.url(), /\/login\?next=/);
  await page.getByLabel("E-mail").fill(process.env.EMAIL);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("The e-mail address or password is wrong.").waitFor();
  errors.length = 0; // the refused sign-in is answered 401 on purpose
  await page.getByLabel("Password").fill(process.env.PASSWORD);
  await shot("01-login");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(base + "/triggers");
  await page.getByText("No triggers yet").waitFor();

  step("create an SMS trigger, watching the counter");
  await page.getByRole("link", { name: "New SMS trigger" }).click();
  await page.getByLabel("Name").fill("Welcome text");
  const body = page.getByLabel("Message");
  await body.pressSequentially("Hi {first|there}, thanks for signing up!");
  await page.locator("[data-count-encoding]").filter({ hasText: "GSM-7" }).waitFor();
  assert.equal(await page.locator("[data-count-chars]").textContent(), "40");
  await body.pressSequentially(" 🎉");
  await page.locator("[data-count-encoding]").filter({ hasText: "UCS-2" }).waitFor();
  await body.fill("Hi {first|there}, thanks for signing up! Reply STOP to opt out.");
  await page.getByLabel("Only send inside a daily window").uncheck();
  await shot("02-trigger-new");
  await page.getByRole("button", { name: "Create trigger" }).click();
  await page.getByText("Trigger created.").waitFor();

  step("copy the webhook URL");
  const url = await page.getByLabel(/^URL/).inputValue();
  assert.match(url, /\/webhook\/Custom\/[0-9a-f-]{36}$/);
  await page.locator('[data-copy="#webhook-url"]').click();
  await page.getByRole("button", { name: "Copied" }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, url);
  await shot("03-trigger");

  step("fire it over HTTP");
  const res = await fetch(copied, { method: "POST", body: new URLSearchParams({ phone: smsPhone, first: "Ada" }) });
  const fired = await res.json();
  assert.equal(res.status, 200, JSON.stringify(fired));
  assert.match(fired.message, /^Message sent with ID: /);

  step("see it delivered in the live log");
  await page.getByRole("link", { name: "Messages" }).click();
  const row = page.locator(`tr[data-id="${fired.id}"]`);
  await row.locator(".badge-delivered").waitFor();
  await shot("04-messages");
  await row.getByRole("link").click();
  await page.locator("[data-message-status] .badge-delivered").waitFor();
  await page.getByText("Hi Ada, thanks for signing up!").waitFor();
  await shot("05-message");

  step("see it on the simulated phone and reply STOP");
  await page.goto(base + "/phone?phone=" + encodeURIComponent(smsPhone));
  await page.locator(".bubble.in").filter({ hasText: "Hi Ada, thanks for signing up!" }).waitFor();
  await page.locator("[data-optout] .badge").filter({ hasText: "subscribed" }).waitFor();
  await page.getByLabel(`Reply as ${smsPhone}`).fill("STOP");
  await page.getByRole("button", { name: "Send" }).click();
  await page.locator("[data-optout] .badge").filter({ hasText: "opted out" }).waitFor();
  await page.locator(".bubble.out").filter({ hasText: "STOP" }).waitFor();
  await page.waitForTimeout(1500); // let the confirmation text arrive for the screenshot
  await shot("06-phone");
  await page.getByRole("link", { name: "Contacts" }).click();
  await page.locator("tr", { hasText: smsPhone }).locator(".badge", { hasText: "opted out" }).waitFor();
  await shot("07-contacts");
  const again = await fetch(copied, { method: "POST", body: new URLSearchParams({ phone: smsPhone }) });
  assert.equal((await again.json()).error, "recipient_opted_out");

  step("create a voicemail trigger with an MP3");
  await page.getByRole("link", { name: "Triggers" }).click();
  await page.getByRole("link", { name: "New voicemail trigger" }).click();
  await page.getByLabel("Name").fill("Renewal voicemail");
  await page.getByLabel("Voicemail audio (MP3)").setInputFiles(process.env.MP3_FILE);
  await page.getByLabel("Only send inside a daily window").uncheck();
  await page.getByRole("button", { name: "Create trigger" }).click();
  await page.getByText("Trigger created.").waitFor();
  const player = page.locator("audio[aria-label='Current voicemail audio']");
  await player.waitFor();
  const audioRes = await page.request.get(base + (await player.getAttribute("src")));
  assert.equal(audioRes.status(), 200);
  assert.equal(audioRes.headers()["content-type"], "audio/mpeg");

  step("fire it from the test form and see the voicemail");
  await page.getByLabel("Phone", { exact: true }).fill(rvmPhone);
  await page.getByRole("button", { name: "Fire trigger" }).click();
  await page.getByText(/Sent: message .* is queued/).waitFor();
  await shot("08-trigger-rvm");
  await page.goto(base + "/phone?phone=" + encodeURIComponent(rvmPhone));
  const vm = page.locator(".bubble.voicemail audio");
  await vm.waitFor();
  await page.waitForFunction(() => document.querySelector(".bubble.voicemail audio").readyState >= 1);
  await shot("09-phone-voicemail");

  step("create an API key");
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("New key name").fill("CRM");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByLabel("New API key").inputValue();
  assert.match(key, /^hk_/);
  await shot("10-settings");

  step("phone-sized screens");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(base + "/phone?phone=" + encodeURIComponent(smsPhone));
  await shot("11-mobile-phone");
  await page.goto(base + "/triggers");
  await shot("12-mobile-triggers");
  await page.setViewportSize({ width: 1280, height: 860 });
  await shot("00-triggers");

  step("sign out");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login$/);
  await page.goto(base + "/settings");
  assert.match(page.url(), /\/login\?next=/);

  assert.deepEqual(errors, [], "no script errors in the pages");
  console.log("dashboard: all steps passed");
} catch (e) {
  await shot("failure").catch(() => {});
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser.close();
}
