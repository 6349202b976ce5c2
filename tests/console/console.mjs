// SPDX-License-Identifier: Apache-2.0
// The console's browser walk, run by tests/console.sh (which makes the data
// directory, starts sealed and passes everything in the environment):
// Debian's chromium, headless, driven by playwright-core (never a
// downloaded browser). Each step asserts exact texts; a screenshot of each
// page goes to $CONSOLE_ART. Exits 1 at the first failed step, naming it.
import { chromium } from 'playwright-core';

const env = process.env;
const B = env.CONSOLE_BASE;
const ART = env.CONSOLE_ART;
const SECRETS = env.CONSOLE_SECRETS.split(' ').concat([env.CONSOLE_ACCT]);
const NOTE = "Particular and lawful: the subject's written consent is on file.";

let passed = 0;
function ok(name) {
    passed++;
    console.log(`ok ${name}`);
}
function same(name, want, got) {
    if (JSON.stringify(want) !== JSON.stringify(got))
        throw new Error(`${name}\n  expected: ${JSON.stringify(want)}\n  actual:   ${JSON.stringify(got)}`);
    ok(name);
}
const text = async (loc) => (await loc.innerText({ timeout: 8000 })).replace(/\s+/g, ' ').trim();
const texts = async (loc) => (await loc.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
async function shot(page, name) {
    const path = `${ART}/${name}.png`;
    await page.screenshot({ path, fullPage: true });
}

const ctx = await chromium.launchPersistentContext(env.CONSOLE_PROFILE, {
    executablePath: env.CONSOLE_CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 768 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
ctx.setDefaultTimeout(8000);
const page = ctx.pages()[0] || (await ctx.newPage());
const consoleLines = [];
const urls = [];
page.on('console', (m) => consoleLines.push(m.text()));
page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
page.on('request', (r) => urls.push(r.url()));

async function signIn(token) {
    await page.goto(`${B}/#/signin`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    const box = page.getByLabel('Bearer token');
    await box.fill(token);
    await box.press('Enter');
}
async function signOut() {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
}
const h1 = () => page.locator('h1');

try {
    // ---- sign in: the page, a wrong token ------------------------------------
    await page.goto(`${B}/`);
    same('signin heading', 'Sign in', await text(h1()));
    same('signin label', 'Bearer token', await text(page.locator('label[for^="token"]')));
    same('signin nav (signed out)', ['Ledger'], await texts(page.locator('#nav li:not([hidden]) a')));
    same('no test clock banner (signed out)', false, await page.locator('#test-clock').isVisible());
    await shot(page, '01-signin');
    await signIn('0'.repeat(64));
    const alert = page.getByRole('alert');
    same('wrong token error', 'Sign in failed: authentication required unknown token', await text(alert));
    same('wrong token not kept', null, await page.evaluate(() => sessionStorage.getItem('sealed.token')));
    await shot(page, '02-signin-wrong-token');

    // ---- the reviewer: queue ------------------------------------------------
    await signIn(env.TOK_REVIEWER);
    await page.getByRole('heading', { level: 1, name: 'Request queue' }).waitFor();
    same('who (reviewer)', 'rev1 · usps-pis · reviewer', await text(page.locator('#who-text')));
    // the data directory was made with `init --test-clock`: a banner says so
    same('test clock banner', 'Test clock: this data directory was made with sealctl init --test-clock. ' +
        'Its times are given, not the clock\'s: it is for tests and demonstrations, never for service.',
        await text(page.locator('#test-clock')));
    same('token in session storage only', [true, null],
        await page.evaluate(() => [!!sessionStorage.getItem('sealed.token'), localStorage.getItem('sealed.token')]));
    same('queue caption', '5 requests, 1 awaiting review', await text(page.locator('caption')));
    same('queue header', ['Request', 'State', 'Agency', 'Submitter', 'Basis', 'Policy', 'Submitted', 'Days left', 'Follow-up by', 'Needs'],
        await texts(page.locator('thead th')));
    const rows = await page.locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.children, (c) => c.innerText.trim()).join(' | ')));
    same('queue rows', [
        'R-000001 | Active | quellford-pd | det1 | subpoena | strict | 2026-11-24 | 87 | — | —',
        'R-000002 | Refused | quellford-pd | det1 | subpoena | strict | 2026-11-24 | — | — | —',
        'R-000003 | Awaiting review | quellford-pd | det1 | consent | cfr-233 | 2026-11-24 | — | — | 1 reviewer',
        'R-000004 | Active | quellford-pd | det1 | emergency | strict | 2026-11-24 | 6 | 2026-11-26 00:00 UTC · 48 h left | —',
        'R-000005 | Awaiting consent | quellford-pd | det1 | consent | strict | 2026-11-24 | — | — | —',
    ], rows);
    // the deadline shown is the stored one, as the API gives it
    same('queue follow-up stored', '2026-11-26T00:00:00Z',
        await page.locator('tbody tr:nth-child(4) time').getAttribute('datetime'));
    await page.getByLabel('Show').selectOption('review');
    same('queue filter', 1, await page.locator('tbody tr').count());
    await page.getByLabel('Show').selectOption('');
    await shot(page, '03-queue');

    // ---- a request under review: by keyboard ----------------------------------
    const link = page.getByRole('link', { name: 'R-000003' });
    await link.focus();
    same('focus is visible', true, await link.evaluate((a) => getComputedStyle(a).outlineStyle !== 'none'));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Request R-000003' }).waitFor();
    await page.locator('.policy-cols').waitFor();
    same('title focused', 'page-title', await page.evaluate(() => document.activeElement.id));
    same('reasons', 'Re-check under today’s rules Under cfr-233, the policy this request was submitted under, a re-check under today’s rules says Needs review. needs approval by one reviewer, not of the requesting agency review.required · rule PA-2',
        await text(page.locator('section[aria-labelledby="why-h"]')));
    const cols = await page.locator('.policy-col').evaluateAll((cs) => cs.map((c) =>
        [c.querySelector('h3').innerText.replace(/\s+/g, ' ').trim(), c.querySelector('.badge').innerText.trim(),
            Array.from(c.querySelectorAll('.reason-msg'), (m) => m.innerText.trim())]));
    same('per-policy outcome', [
        ['cfr-233 submitted under', 'Needs review', ['needs approval by one reviewer, not of the requesting agency']],
        ['strict', 'Refused', ['this purpose reaches data collected for customer service only with a judicial warrant']],
    ], cols);
    same('strict reason pointer', 'purpose.warrant_required · rule PA-3 · at /legal_basis/type',
        await text(page.locator('.policy-col').nth(1).locator('.reason-meta')));
    same('document basis', 'consent CONSENT-2026-77',
        await text(page.locator('dt:text-is("Legal basis") + dd')));
    await shot(page, '04-request');

    // approve with a note, keyboard only: Space on the radio, Tab to the
    // note, type, Tab to the button, Enter
    await page.getByLabel('Approve').focus();
    await page.keyboard.press('Space');
    same('approve chosen', true, await page.getByLabel('Approve').isChecked());
    await page.keyboard.press('Tab');
    same('tab reaches the note', 'Note', await page.evaluate(() => document.activeElement.labels[0].innerText));
    await page.keyboard.type(NOTE);
    await page.keyboard.press('Tab');
    same('tab reaches the button', 'Record decision', await page.evaluate(() => document.activeElement.innerText));
    await page.keyboard.press('Enter');
    await page.locator('#status:has-text("Decision recorded")').waitFor();
    same('decision status', 'Decision recorded: R-000003 is now active.', await text(page.locator('#status')));
    same('state after', 'Active', await text(page.locator('dt:text-is("State") + dd')));
    same('approval line', `Approved by rev1 (reviewer) on 2026-11-24 — “${NOTE}”`,
        await text(page.locator('section[aria-labelledby="sum-h"] ul li')));
    same('no review form after', 0, await page.getByRole('button', { name: 'Record decision' }).count());
    // decided now: the state leads, today's re-check is information, never a verdict
    await page.locator('.policy-cols').waitFor();
    same('re-check decided', 'Decided: Active. The re-check below is for information only: it does not change the decided state.',
        await text(page.locator('section[aria-labelledby="why-h"] .decided')));
    same('re-check decided no verdict badge', 0,
        await page.locator('section[aria-labelledby="why-h"] .badge-d-review, .policy-col .badge').count());
    same('re-check heading', 'Re-check under each shipped policy', await text(page.locator('#cmp-h')));
    await shot(page, '05-request-approved');

    // ---- an emergency: the stored follow-up deadline with hours left ------------
    await page.goto(`${B}/#/requests/R-000004`);
    await page.getByRole('heading', { level: 1, name: 'Request R-000004' }).waitFor();
    same('emergency follow-up', '2026-11-26 00:00 UTC · 48 h left', await text(page.locator('dt:text-is("Emergency follow-up by") + dd')));
    same('emergency follow-up stored', '2026-11-26T00:00:00Z',
        await page.locator('dt:text-is("Emergency follow-up by") + dd time').getAttribute('datetime'));
    await page.locator('.policy-cols').waitFor();
    same('emergency re-check', 'Decided: Active. The re-check below is for information only: it does not change the decided state.',
        await text(page.locator('section[aria-labelledby="why-h"] .decided')));
    await shot(page, '05b-request-emergency');
    await signOut();

    // ---- the auditor: checkpoint and the log -------------------------------------
    // signed out, a page that needs a token asks for one, then comes back
    await page.goto(`${B}/#/queue`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    same('signed-out deep link', 'Sign in to see that page.', await text(page.locator('#status')));
    await page.getByLabel('Bearer token').fill(env.TOK_AUDITOR);
    await page.getByLabel('Bearer token').press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Request queue' }).waitFor();
    same('auditor sees the approval in the queue', 'Active',
        await text(page.getByRole('row', { name: /^R-000003 / }).locator('td').first()));
    same('auditor nav', ['Queue', 'Ledger', 'Audit log'], await texts(page.locator('#nav li:not([hidden]) a')));
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    same('who (auditor)', 'aud1 · usps-pis · auditor', await text(page.locator('#who-text')));
    const cp = await (await page.request.get(`${B}/v1/ledger/checkpoint`)).text();
    const size = Number(cp.split('\n')[1]);
    same('audit caption', `Entries ${Math.max(0, size - 50)} to ${size - 1} of ${size}, newest first (from /v1/ledger/events, each checked against the signed tree’s tiles)`,
        await text(page.locator('caption')));
    const first = await page.locator('tbody tr').first().evaluate((tr) => Array.from(tr.children, (c) => c.innerText.trim()));
    same('newest event is R-000003 by rev1', [String(size - 1), 'rev1', 'R-000003'], [first[0], first[3], first[4]]);
    const types = await texts(page.locator('tbody tr td:nth-child(3)'));
    same('every listed event is in the signed tree', [], (await texts(page.locator('tbody tr td:nth-child(7)'))).filter((t) => t !== '✓ in tree'));
    same('approval in the log', true, types.includes('request.approval') && types.includes('request.submitted'));
    same('no names in the log', false, (await text(page.locator('table'))).includes(env.CONSOLE_ACCT));
    await shot(page, '06-audit');

    await page.getByRole('link', { name: 'Ledger' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ledger checkpoint' }).waitFor();
    await page.locator('.verify-row p.ok, .verify-row p.bad').nth(1).waitFor();
    same('checkpoint size', `${size} entries`, await text(page.locator('dt:text-is("Tree size") + dd')));
    same('checkpoint origin', 'sealed.local/ledger', await text(page.locator('dt:text-is("Log") + dd')));
    const verifies = await texts(page.locator('.verify-row > p'));
    same('server and tree checks', [
        `✓ The server verified the checkpoint’s signature and the tree of its ${size} entries.`,
        `✓ The ${size} entries’ tiles hash to the checkpoint’s root.`,
    ], verifies);
    // a verifier key that is not the log's: the key id does not match
    const vk = page.getByLabel('Log verifier key');
    const wrong = env.CONSOLE_VKEY.slice(0, -4) + (env.CONSOLE_VKEY.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await vk.fill(wrong);
    await vk.press('Enter');
    same('wrong key refused', '✗ the key id does not match the key', await text(page.locator('form p.bad')));
    await vk.fill(env.CONSOLE_VKEY);
    await page.getByRole('button', { name: 'Check signature' }).click();
    await page.locator('form p.ok').waitFor();
    same('signature checked in the browser', '✓ Signature valid: sealed.local/ledger signed this checkpoint.',
        await text(page.locator('form p.ok')));
    await shot(page, '07-ledger');
    await signOut();

    // ---- the subject: own records and accounting -----------------------------
    await signIn(env.TOK_SUBJECT);
    await page.getByRole('heading', { level: 1, name: 'My records' }).waitFor();
    await page.locator('td:has-text("included"), td:has-text("proof fails")').first().waitFor();
    same('who (subject)', 'sub1 · usps-pis · subject', await text(page.locator('#who-text')));
    same('subject nav', ['Ledger', 'My records'], await texts(page.locator('#nav li:not([hidden]) a')));
    same('accounting caption', '1 disclosure of your records you may see today', await text(page.locator('caption')));
    const acc = await page.locator('tbody tr').first().evaluate((tr) => Array.from(tr.children, (c) => c.innerText.trim()));
    same('accounting row', ['2026-11-24', 'quellford-pd', 'disclosure of records to an agency', 'subpoena (Privacy Act b7)',
        'criminal investigation', 'identity, contact', '2026-01-01 to 2026-10-31', 'R-000001'], acc.slice(0, 8));
    same('inclusion proof checked', true, /^✓ entry \d+ included$/.test(acc[8]));
    await page.locator('section p.ok').waitFor();
    same('accounting checkpoint signature', true, /^✓ Checkpoint of \d+ entries signed by sealed\.local\/ledger\.$/.test(await text(page.locator('section p.ok'))));
    same('own account shown', true, (await text(page.locator('.records'))).includes(env.CONSOLE_ACCT));
    await shot(page, '08-access');

    // ---- the subject confirms a consent (PA-2): a wrong id, then R-000005 ------
    const cin = page.getByLabel('Request id');
    await cin.fill('R-999999');
    await page.getByRole('button', { name: 'Confirm my consent' }).click();
    await page.locator('form[aria-labelledby="con-h"] [role="alert"]').waitFor();
    same('consent unknown id refused', true, (await text(page.locator('form[aria-labelledby="con-h"] [role="alert"]'))).startsWith('Not confirmed'));
    await cin.fill('R-000005');
    await page.getByRole('button', { name: 'Confirm my consent' }).click();
    await page.locator('#status:has-text("Consent confirmed")').waitFor();
    same('consent status', 'Consent confirmed: R-000005 is now awaiting review.', await text(page.locator('#status')));
    await shot(page, '09-consent');

    // ---- never: a token in a URL, anything in the browser's console --------------
    same('no token in any URL', [], urls.filter((u) => SECRETS.some((s) => u.includes(s))));
    same('no personal data or token in the console', [], consoleLines.filter((l) => SECRETS.some((s) => l.includes(s))));
    same('no CSP violation or page error', [], consoleLines.filter((l) => /Content Security Policy|pageerror/.test(l)));
} catch (e) {
    console.log(`not ok ${e.message}`);
    try { await shot(page, '99-failure'); } catch (e2) { /* the page is gone */ }
    await ctx.close();
    process.exit(1);
}
await ctx.close();
console.log(`console.mjs: ${passed} checks passed`);
