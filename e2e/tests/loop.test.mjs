// The whole loop in a real browser, once in Chinese and once in English: register and submit, triage
// and verify, notify, the vendor responds, publication refused before a fix, fixed, two-person
// publication, the public page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, totp, PASSWORD } from '../lib.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const TEXT = {
  'zh-CN': { register: '注册报告者账号', receipt: '报告回执', published: '已公开的漏洞公告', refused: 'REG-9.1' },
  en: { register: 'Register as a reporter', receipt: 'Report receipt', published: 'Published advisories', refused: 'REG-9.1' },
};

/** A browser context in one language (the `?lang=` choice is remembered in a cookie). */
async function person(server, lang) {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await page.goto(`/?lang=${lang}`);
  return page;
}

async function login(page, name, secrets) {
  await page.goto('/login');
  await page.fill('#login', name);
  await page.fill('#password', PASSWORD);
  if (secrets[name]) await page.fill('#totp', totp(secrets[name]));
  await page.click('form[action="/login"] button[type=submit]');
  if (page.url().endsWith('/me/mfa')) {
    const secret = (await page.textContent('#mfa-secret')).trim();
    secrets[name] = secret;
    await page.fill('#code', totp(secret));
    await page.click('form[action="/me/mfa"] button[type=submit]');
  }
  assert.match(page.url(), /\/cases$/, `${name} lands on the case list`);
}

async function act(page, id, action, fields = {}) {
  await page.goto(`/cases/${id}`);
  const form = page.locator(`form[data-action="${action}"]`);
  assert.equal(await form.count(), 1, `the ${action} form is offered`);
  for (const [name, value] of Object.entries(fields)) {
    const input = form.locator(`[name="${name}"]`);
    if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
  await form.locator('button[type=submit]').click();
}

async function state(page) {
  return page.getAttribute('#case-state', 'data-state');
}

for (const lang of ['zh-CN', 'en']) {
  test(`the whole loop (${lang})`, async () => {
    const server = await startServer();
    const secrets = {};
    try {
      // A researcher registers and reports.
      const rita = await person(server, lang);
      await rita.goto('/register');
      assert.ok((await rita.textContent('h1')).includes(TEXT[lang].register));
      await rita.fill('#reg-login', 'rita');
      await rita.fill('#reg-password', PASSWORD);
      await rita.check('#reg-terms');
      await rita.click('#register-form button[type=submit]');
      assert.match(rita.url(), /\/report$/);
      await rita.selectOption('#product_id', { label: 'Acme Chat (com.acme.chat)' });
      await rita.fill('#title', lang === 'en' ? 'Exported provider leaks chat history' : '导出的内容提供器泄露聊天记录');
      await rita.fill('#description', 'com.acme.chat.HistoryProvider is exported without a permission; any app reads every message.');
      await rita.fill('#affected_versions', '< 5.2.0');
      await rita.fill('#cvss_vector', 'CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N');
      await rita.waitForFunction(() => document.getElementById('cvss-score').textContent.includes('6.2'));
      await rita.fill('#poc', 'adb shell content query --uri content://com.acme.chat.history/messages');
      await rita.click('#report-form button[type=submit]');
      assert.ok((await rita.textContent('h1')).includes(TEXT[lang].receipt));
      const id = (await rita.textContent('#receipt-case')).trim();
      assert.match(id, /^APPVD-\d{4}-\d{5}$/);

      // Triage and verification.
      const ana = await person(server, lang);
      await login(ana, 'ana', secrets);
      await ana.goto(`/cases/${id}`);
      await ana.click('#assignment button[type=submit]');
      await ana.goto('/cases?assigned=me');
      assert.equal(await ana.locator(`#case-list a[href="/cases/${id}"]`).count(), 1, 'the queue filters by assignee');
      await act(ana, id, 'accept');
      assert.equal(await state(ana), 'triage');
      await ana.fill('#edit-harm', 'Any installed app reads private messages.');
      await ana.fill('#edit-scope', 'All Android users before 5.2.0.');
      await ana.fill('#edit-cwe', '926');
      await ana.fill('#edit-gbt_indicators', 'GBT30279/AP:L/TR:L/PR:N/UI:N/C:S/I:N/A:N/EC:L/FD:L/SC:H');
      await ana.click('#edit button[type=submit]');
      await act(ana, id, 'verify');
      assert.equal(await state(ana), 'verified');
      await act(ana, id, 'notify_vendor');
      assert.equal(await state(ana), 'vendor_notified');
      assert.equal(await ana.locator('#clock-national_report').count(), 1, 'the 48-hour clock is shown');

      // The vendor answers.
      const vic = await person(server, lang);
      await login(vic, 'vic', secrets);
      await act(vic, id, 'acknowledge');
      await act(vic, id, 'set_vendor_status', { status: 'affected', statement: 'Confirmed; fixing.' });
      assert.equal(await state(vic), 'fixing');

      // Publication is refused before a fix.
      await act(ana, id, 'request_publication');
      assert.ok((await ana.textContent('#refusal')).includes(TEXT[lang].refused));

      // Fixed, verified, and published by a second person.
      const today = new Date().toISOString().slice(0, 10);
      await act(vic, id, 'record_national_report', { submitted_on: today, reference: 'NVDB-2026-0042' });
      await act(vic, id, 'mark_fixed', { fixed_versions: '5.2.0', released_on: today, user_notice: 'Update to 5.2.0.' });
      assert.equal(await state(vic), 'fixed');
      await act(ana, id, 'verify_fix', { evidence: 'Re-tested 5.2.0: not exported any more.' });
      await ana.fill('#edit-advisory_summary', 'Acme Chat before 5.2.0 lets other apps read chat history.');
      await ana.fill('#edit-remediation', 'Upgrade to Acme Chat 5.2.0 or later.');
      await ana.click('#edit button[type=submit]');
      await act(ana, id, 'request_publication');
      assert.equal(await state(ana), 'publication_review');
      await act(ana, id, 'approve_publication');
      assert.ok((await ana.textContent('#refusal')).includes('REG-11.5'), 'the requester cannot approve');
      const ben = await person(server, lang);
      await login(ben, 'ben', secrets);
      await act(ben, id, 'approve_publication');
      assert.equal(await state(ben), 'published');

      // The public sees it, without the PoC.
      const anyone = await person(server, lang);
      await anyone.goto('/');
      assert.ok((await anyone.textContent('h1')).includes(TEXT[lang].published));
      assert.equal(await anyone.locator(`a[href="/advisories/${id}"]`).count(), 1);
      await anyone.goto(`/advisories/${id}`);
      const body = await anyone.textContent('body');
      assert.ok(body.includes('5.2.0'));
      assert.ok(!body.includes('adb shell'), 'no PoC in public output');
      assert.equal(await anyone.getAttribute('html', 'lang'), lang);
    } finally {
      await server.stop();
    }
  });
}
