// Drives the staff page in Debian's Chromium (headless, no sandbox, no background traffic):
// picks two templates, answers their questions, sees the preview and a lint finding, presses
// the copy buttons and reads the clipboard, downloads the .eml, switches language, channel and
// large print, downloads the letter PDF, gets a voicemail script and its call plan, takes
// screenshots, runs axe-core, and repeats the core steps with JavaScript turned off.
//
// Usage: COMMS_URL=http://127.0.0.1:PORT node page.test.mjs [SCREENSHOT.png]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const base = process.env.COMMS_URL;
const screenshot = process.argv[2] || "page.png";
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
if (!base) throw new Error("set COMMS_URL to the server's address");

const quietFlags = [
  "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-default-apps", "--disable-domain-reliability", "--disable-breakpad",
  "--disable-client-side-phishing-detection", "--no-first-run", "--no-pings",
  "--metrics-recording-only", "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
];

const results = [];
function check(condition, what) {
  if (!condition) throw new Error("FAILED: " + what);
  results.push(what);
  console.log("ok - " + what);
}

async function axe(page, label) {
  await page.evaluate(axeSource);
  const report = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } }));
  for (const violation of report.violations) {
    console.log(`axe (${label}): ${violation.id}: ${violation.help}`);
    for (const node of violation.nodes) console.log("   " + node.target.join(" ") + " " + node.failureSummary);
  }
  check(report.violations.length === 0, `axe-core finds no violations (${label}, ${report.passes.length} rules pass)`);
}

/// Answers every question of a template with the first allowed value or a sample.
async function answerQuestions(page, template, freeText) {
  for (const question of template.questions) {
    const id = `q-${template.id}-${question.id}`;
    switch (question.kind) {
      case "radio":
      case "checkboxes":
        await page.check(`#${id}`);
        break;
      case "date":
        await page.fill(`#${id}`, "2026-12-01");
        break;
      case "money":
        await page.fill(`#${id}`, "30.00");
        break;
      case "free_text":
        await page.fill(`#${id}`, freeText);
        break;
      default:
        await page.fill(`#${id}`, "sample answer");
    }
  }
}

async function fillCustomer(page, email = "sian.jones@example.com") {
  await page.fill("#title", "Mrs");
  await page.fill("#first_name", "Siân");
  await page.fill("#last_name", "Jones");
  await page.fill("#email", email);
  await page.fill("#address", "1 High Street\nCardiff\nCF10 1AA");
  await page.fill("#reference", "1234567890");
  await page.fill("#staff_first_name", "Sam");
  await page.fill("#staff_initials", "SB");
  await page.fill("#staff_office", "Durham");
}

// Text a free-text question gets: breaks house-style rules so the page shows a finding.
const FREE_TEXT = "Please send it ASAP!! Click here to e-mail us, and kindly note the Passport Office's deadline.";

const browser = await chromium.launch({ executablePath: chromiumPath, args: quietFlags, headless: true });
try {
  const templates = await (await fetch(`${base}/api/templates`)).json();
  // Templates that can be sent as an email and as a letter (the test switches between them).
  const forEmail = templates.filter((t) => t.channels.includes("email") && t.channels.includes("letter") && !t.last_resort);
  // Prefer a template with a free-text question (where the finding comes from) plus another.
  const withFreeText = forEmail.find((t) => t.questions.some((q) => q.kind === "free_text"));
  const chosen = [];
  if (withFreeText) chosen.push(withFreeText);
  for (const t of forEmail) if (chosen.length < 2 && !chosen.includes(t)) chosen.push(t);
  check(chosen.length === 2, `two templates to choose (${chosen.map((t) => t.id).join(", ")})`);
  // Ticked against the list's order: the message follows the order they are ticked in.
  chosen.sort((a, b) => (a.id < b.id ? 1 : -1));

  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 1000 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  const response = await page.goto(base + "/");
  check(response.status() === 200, "the page loads");
  await axe(page, "empty form");

  // Search narrows the list; then choose the two templates.
  await page.fill("#template-search", chosen[0].name.slice(0, 12));
  const visible = await page.locator(".template-option:visible").count();
  check(visible >= 1 && visible <= templates.length, `search by name shows ${visible} of ${templates.length} templates`);
  await page.fill("#template-search", "");
  for (const template of chosen) {
    await page.locator(`.template-option input[value="${template.id}"]`).check();
  }
  for (const template of chosen) {
    await page.waitForSelector(`#h-${template.id}`);
  }
  check(true, "the questions of both templates appear without a page load");
  const order = await page.inputValue("#template-order");
  check(order === chosen.map((t) => t.id).join(","), `the page keeps the order the templates were ticked in (${order})`);
  // A misspelt email domain: the house-style checks flag it beside the address.
  await fillCustomer(page, "sian.jones@gmial.com");
  for (const template of chosen) await answerQuestions(page, template, FREE_TEXT);

  await page.waitForSelector("#subject-text", { timeout: 10000 });
  await page.waitForFunction(() => document.querySelector("#message-text")?.textContent.includes("Jones"));
  const message = JSON.parse(await page.textContent("#message-data"));
  check(message.text.startsWith("Dear Mrs Jones"), "the preview shows the message: " + JSON.stringify(message.text.slice(0, 40)));
  check(message.subject && message.subject.length > 0, "the preview shows the subject: " + JSON.stringify(message.subject));

  await page.waitForSelector("#findings li", { timeout: 10000 });
  const finding = await page.textContent("#findings li");
  const marks = await page.locator("#message-text mark, #subject-text mark, #recipient-text mark").count();
  check(marks >= 1, `a lint finding is shown and marked in the words (${marks} marked): ${finding.trim().slice(0, 80)}`);

  await page.click("button[data-copy=subject]");
  await page.waitForSelector("[data-copied=subject]:has-text('Email subject copied')");
  const copiedSubject = await page.evaluate(() => navigator.clipboard.readText());
  check(copiedSubject === message.subject, "Copy email subject puts the subject on the clipboard, with a visible confirmation");
  await page.click("button[data-copy=text]");
  await page.waitForSelector("[data-copied=text]:has-text('Email message copied')");
  const copiedText = await page.evaluate(() => navigator.clipboard.readText());
  check(copiedText === message.text, "Copy email message puts the message on the clipboard, with a visible confirmation");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.click("button[formaction='/download'][value=eml]"),
  ]);
  const eml = readFileSync(await download.path(), "utf8");
  check(download.suggestedFilename() === "message.eml" && eml.includes("Subject: ") && eml.includes("gmial.com"),
    "Download the email (.eml) gives the MIME message");

  // The preview is sticky beside the form: a tall viewport at the top shows all of it.
  await page.setViewportSize({ width: 1280, height: 1700 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshot });
  check(true, "screenshot written to " + screenshot);
  await axe(page, "preview with findings");

  // Letter, large print, Welsh.
  await page.check("#channel-letter");
  await page.waitForSelector(".message-letter");
  await page.check("#large_print");
  await page.waitForSelector(".message-letter.large-print");
  check(true, "switching to a large-print letter updates the preview");
  await page.check("#language-cy");
  await page.waitForFunction(() => document.querySelector("#preview .caption")?.textContent.includes("Welsh"));
  const welsh = await page.textContent("#message-text");
  check(welsh.startsWith("Annwyl") && await page.getAttribute("#message-text", "lang") === "cy",
    "switching to Welsh renders the letter in Welsh, marked lang=cy: " + JSON.stringify(welsh.slice(0, 30)));

  // The letter as a PDF: once the free text breaks no error-level rule, the button appears.
  await page.check("#language-en");
  for (const template of chosen) {
    for (const question of template.questions.filter((q) => q.kind === "free_text")) {
      await page.fill(`#q-${template.id}-${question.id}`, "We have received your letter.");
    }
  }
  const pdfButton = "button[formaction='/download'][value=pdf]";
  await page.waitForSelector(pdfButton, { timeout: 10000 });
  const [pdfDownload] = await Promise.all([page.waitForEvent("download"), page.click(pdfButton)]);
  const pdf = readFileSync(await pdfDownload.path());
  check(pdf.subarray(0, 5).toString("latin1") === "%PDF-" && pdfDownload.suggestedFilename().endsWith(".pdf"),
    `Download the letter (PDF) gives a PDF (${pdfDownload.suggestedFilename()}, ${pdf.length} bytes)`);

  // A voicemail and the call plan: the examiner's voicemail template in place of the two.
  for (const template of chosen) await page.locator(`.template-option input[value="${template.id}"]`).uncheck();
  await page.locator(`.template-option input[value="voicemail-examiner"]`).check();
  await page.waitForSelector("#h-voicemail-examiner");
  await page.check("#q-voicemail-examiner-attempt");
  await page.check("#channel-voicemail");
  await page.fill("#time_zone", "America/New_York");
  await page.waitForFunction(() => document.querySelector("#call-plan")?.textContent.includes("America/New_York"), null, { timeout: 10000 });
  const script = (await page.textContent("#message-text")).trim();
  check(/^Good (morning|afternoon|evening), I am calling from His Majesty’s Passport Office, my name is Sam\. I need to speak with you directly/.test(script),
    "the voicemail script is the guidance's wording: " + JSON.stringify(script.slice(0, 50)));
  const verdict = (await page.textContent("#call-now")).trim();
  check(/^(Call now|Do not call now)\./.test(verdict), "the call plan says whether to call now: " + JSON.stringify(verdict.slice(0, 60)));
  const calls = await page.locator("#call-attempts li").count();
  const plannedScripts = await page.locator("#call-attempts .script").allTextContents();
  check(calls === 3 && /I will send you an? (letter|email) asking you for information/.test(plannedScripts[2]),
    `the call plan times ${calls} calls in the customer's time and UK time, each with its voicemail`);
  await axe(page, "voicemail with call plan");
  await page.evaluate(() => window.scrollTo(0, 0));
  const callPlanShot = screenshot.replace(/[^/]*$/, "call-plan.png");
  await page.locator("#preview").screenshot({ path: callPlanShot });
  check(true, "screenshot written to " + callPlanShot);
  check(errors.length === 0, "no script errors: " + errors.join("; "));
  await context.close();

  // Without JavaScript: submit the form and see the preview.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const noJs = await plain.newPage();
  await noJs.goto(base + "/");
  for (const template of chosen) await noJs.check(`.template-option input[value="${template.id}"]`);
  await noJs.click("#show-questions");
  await noJs.waitForSelector(`#h-${chosen[1].id}`);
  await fillCustomer(noJs);
  for (const template of chosen) await answerQuestions(noJs, template, "We have received your letter.");
  await noJs.click("button[value=preview]");
  await noJs.waitForSelector("#message-text");
  const plainText = await noJs.textContent("#message-text");
  check(plainText.startsWith("Dear Mrs Jones"), "without JavaScript, submitting the form shows the preview");
  // A required answer removed: the error summary links to the question.
  const firstRequired = chosen.flatMap((t) => t.questions.filter((q) => q.required && q.kind !== "checkboxes" && q.kind !== "radio").map((q) => `q-${t.id}-${q.id}`))[0];
  if (firstRequired) {
    await noJs.fill(`#${firstRequired}`, "");
    await noJs.click("button[value=preview]");
    await noJs.waitForSelector(".error-summary");
    check(await noJs.locator(`.error-summary a[href="#${firstRequired}"]`).count() === 1, "a missing answer shows an error summary linked to the question");
  }
  await plain.close();
  console.log(`${results.length} checks passed`);
} finally {
  await browser.close();
}
