#!/usr/bin/env node
// Headless Chromium through Albumen's whole web UI, as a developer setting up an app would:
// first-run setup of a brand-new server, a project in the console, the Photos Picker API
// enabled, a Web client, the consent screen (Testing, the administrator as test user), then
// the app's authorization URL: the unverified-app warning (Advanced, "Go to ... (unsafe)"),
// the consent page (Allow) and the redirect to the app with a code, which is then exchanged
// at the token endpoint with the secret the console showed.
//
// The app's host, app.example.com, is a small https server here (a throwaway self-signed
// certificate made with openssl; Chromium maps the name to it with --host-resolver-rules and
// the context ignores the certificate), so the browser really lands on the callback and the
// app sees the request. page.route() cannot stand in for it: Playwright calls a route handler
// only for the first URL of a redirect chain, and the callback is reached by the server's 302.
//
// Usage: node console_flow.mjs --base-url http://127.0.0.1:PORT
// The server must be new (no users yet). Environment: CHROMIUM (default /usr/bin/chromium),
// ARTIFACTS_DIR (optional: screenshots of the consent page, and of the page a failure saw).

import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    email: { type: 'string', default: 'owner@example.com' },
    password: { type: 'string', default: 'browser check password' },
  },
});
if (!args['base-url']) {
  console.error('usage: node console_flow.mjs --base-url http://127.0.0.1:PORT');
  process.exit(2);
}
const base = args['base-url'].replace(/\/+$/, '');
const email = args.email;
const password = args.password;

const PROJECT_ID = 'browser-check';
const APP_NAME = 'Browser Check App';
const CALLBACK = 'https://app.example.com/callback';
const PICKER = 'https://www.googleapis.com/auth/photospicker.mediaitems.readonly';
const artifacts = process.env.ARTIFACTS_DIR || '';

class CheckFailed extends Error {}

function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

/** Waits for the page to be at `pathname` (on the server), or fails saying where it is. */
async function expectPath(page, pathname, what) {
  try {
    await page.waitForURL((url) => url.origin === base && url.pathname === pathname, { timeout: 10_000 });
  } catch {
    throw new CheckFailed(`${what}: expected to be at ${pathname}, but the browser is at ${page.url()}`);
  }
}

async function screenshot(page, name) {
  if (!artifacts) return;
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, name), fullPage: true });
  console.log(`screenshot: ${path.join(artifacts, name)}`);
}

/** The app at https://app.example.com: answers every request with "ok" and remembers it. */
async function startApp() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'albumen-app-'));
  const made = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2',
    '-subj', '/CN=app.example.com', '-addext', 'subjectAltName=DNS:app.example.com',
  ], { encoding: 'utf8' });
  if (made.error || made.status !== 0) {
    throw new CheckFailed(`openssl could not make the app's certificate: ${made.error || made.stderr}`);
  }
  const requests = [];
  const server = https.createServer(
    { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) },
    (req, res) => {
      requests.push({ method: req.method, url: req.url, host: req.headers.host });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    },
  );
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  rmSync(dir, { recursive: true, force: true });
  return { server, requests, port: server.address().port };
}

async function setUp(page) {
  await page.goto(`${base}/setup`);
  await expectPath(page, '/setup', 'a new server offers first-run setup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill('Browser Owner');
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.waitForLoadState();
  if (new URL(page.url()).pathname === '/signin') {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await expectPath(page, '/console', 'after creating the administrator');
  console.log('set up the first administrator');
}

async function createProject(page) {
  await page.getByLabel('Project ID').fill(PROJECT_ID);
  await page.getByLabel('Project name').fill('Browser Check');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expectPath(page, `/console/projects/${PROJECT_ID}`, 'after creating the project');
  check(
    (await page.locator('#project-id').textContent()) === PROJECT_ID,
    'the project overview does not show the project ID',
  );
  console.log(`created project ${PROJECT_ID}`);
}

async function enablePicker(page) {
  await page.getByRole('link', { name: 'APIs & Services' }).click();
  await expectPath(page, `/console/projects/${PROJECT_ID}/apis`, 'the API library');
  const row = page.getByRole('row').filter({ hasText: 'Google Photos Picker API' });
  await row.getByRole('button', { name: 'Enable' }).click();
  await expectPath(page, `/console/projects/${PROJECT_ID}/apis`, 'after enabling the Picker API');
  const status = (await page.getByRole('row').filter({ hasText: 'Google Photos Picker API' }).getByRole('cell').nth(2).textContent()).trim();
  check(status === 'Enabled', `the Picker API's status reads ${JSON.stringify(status)} after enabling it`);
  console.log('enabled the Google Photos Picker API');
}

async function createWebClient(page) {
  await page.getByRole('link', { name: 'Credentials' }).click();
  await expectPath(page, `/console/projects/${PROJECT_ID}/clients`, 'the credentials page');
  await page.getByLabel('Application type').selectOption({ label: 'Web application' });
  await page.getByLabel('Name', { exact: true }).fill('Browser web client');
  await page.getByLabel('Authorized redirect URIs').fill(CALLBACK);
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('heading', { name: 'OAuth client created' }).waitFor({ timeout: 10_000 }).catch(async () => {
    throw new CheckFailed(`creating the Web client did not show the new secret; the page says: ${await visibleText(page)}`);
  });
  const clientId = (await page.locator('#client_id').textContent()).trim();
  const clientSecret = (await page.locator('#client_secret').textContent()).trim();
  check(/^\d+-[a-z0-9]+\.apps\.googleusercontent\.com$/.test(clientId), `an unexpected client ID ${clientId}`);
  check(clientSecret.length > 10, 'the client secret is not shown');
  const file = JSON.parse(await page.locator('#client_secret_json').textContent());
  check(file.web && file.web.client_id === clientId, `client_secret.json does not describe the web client: ${JSON.stringify(file)}`);
  check(
    Array.isArray(file.web.redirect_uris) && file.web.redirect_uris.includes(CALLBACK),
    `client_secret.json lacks the redirect URI: ${JSON.stringify(file.web)}`,
  );
  console.log(`created Web client ${clientId}`);
  return { clientId, clientSecret, tokenUri: file.web.token_uri };
}

async function setUpConsentScreen(page) {
  await page.getByRole('link', { name: 'OAuth consent screen' }).click();
  await expectPath(page, `/console/projects/${PROJECT_ID}/consent`, 'the consent screen page');
  await page.getByLabel('App name').fill(APP_NAME);
  await page.getByLabel('User support email').fill(email);
  await page.getByRole('radio', { name: /^Testing\b/ }).check();
  await page.getByRole('textbox', { name: 'Test users' }).fill(email);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor({ timeout: 10_000 }).catch(async () => {
    throw new CheckFailed(`saving the consent screen failed; the page says: ${await visibleText(page)}`);
  });
  const publishing = (await page.locator('#current-publishing-status').textContent()).trim();
  check(publishing === 'Testing', `the publishing status reads ${publishing} after saving`);
  check((await page.getByRole('textbox', { name: 'Test users' }).inputValue()).trim() === email, 'the test user was not kept');
  console.log(`consent screen: ${APP_NAME}, Testing, test user ${email}`);
}

async function authorize(page, client, app) {
  const state = randomBytes(12).toString('hex');
  const query = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: `openid email ${PICKER}`,
    state,
  });
  await page.goto(`${base}/o/oauth2/v2/auth?${query}`);

  await page.getByRole('heading', { name: /hasn't verified this app/ }).waitFor({ timeout: 10_000 }).catch(async () => {
    throw new CheckFailed(`an unverified app's first authorization did not show the warning; the page says: ${await visibleText(page)}`);
  });
  const goOn = page.getByRole('button', { name: `Go to ${APP_NAME} (unsafe)` });
  check(!(await goOn.isVisible()), 'the "(unsafe)" button is visible before opening Advanced');
  await page.getByText('Advanced', { exact: true }).click();
  await goOn.click();

  await page.getByRole('button', { name: 'Allow' }).waitFor({ timeout: 10_000 }).catch(async () => {
    throw new CheckFailed(`no consent page after the warning; the page says: ${await visibleText(page)}`);
  });
  check(await page.getByRole('heading', { name: APP_NAME }).isVisible(), 'the consent page does not name the app');
  const pickerBox = page.locator(`input[type=checkbox][name=scope][value="${PICKER}"]`);
  check(await pickerBox.isChecked(), 'the Picker scope is not offered, ticked, on the consent page');
  await screenshot(page, 'consent.png');

  const landed = page
    .waitForURL((url) => url.href.startsWith(`${CALLBACK}?`), { timeout: 10_000 })
    .then(() => null, (err) => err);
  await page.getByRole('button', { name: 'Allow' }).click();
  if (await landed) {
    throw new CheckFailed(`Allow did not lead to ${CALLBACK}; the browser is at ${page.url()}: ${await visibleText(page)}`);
  }
  check((await page.locator('body').innerText()).trim() === 'ok', `the callback page is not the app's: ${await visibleText(page)}`);
  const url = new URL(page.url());
  const seen = app.requests.find((r) => r.url.startsWith('/callback?'));
  check(seen && `https://${seen.host}${seen.url}` === url.href, `the app did not receive ${url.href}: ${JSON.stringify(app.requests)}`);
  const code = url.searchParams.get('code');
  check(code, `the redirect has no code: ${url}`);
  check(url.searchParams.get('state') === state, `the redirect's state is ${url.searchParams.get('state')}, expected ${state}`);
  check(!url.searchParams.get('error'), `the redirect carries an error: ${url}`);
  const granted = (url.searchParams.get('scope') || '').split(' ');
  check(granted.includes(PICKER), `the redirect's scope does not include the Picker scope: ${url.searchParams.get('scope')}`);
  console.log(`landed on ${CALLBACK} with a code and the state`);
  return code;
}

/** The web server's side: the code for tokens with the secret the console showed. */
async function exchange(client, code) {
  check(client.tokenUri === `${base}/token`, `client_secret.json's token_uri is ${client.tokenUri}`);
  const response = await fetch(client.tokenUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uri: CALLBACK,
    }),
  });
  const body = await response.text();
  check(response.status === 200, `POST /token (authorization_code) answered HTTP ${response.status}: ${body}`);
  const tokens = JSON.parse(body);
  check(tokens.access_token && tokens.id_token && tokens.token_type === 'Bearer', `an incomplete token answer: ${body}`);
  console.log('exchanged the code for tokens');
}

async function visibleText(page) {
  try {
    const text = await page.locator('body').innerText({ timeout: 2_000 });
    return JSON.stringify(text.replace(/\s+/g, ' ').trim().slice(0, 1200));
  } catch {
    return '(no page text)';
  }
}

async function main() {
  const app = await startApp();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP app.example.com 127.0.0.1:${app.port}`,
    ],
  });
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  try {
    await setUp(page);
    await createProject(page);
    await enablePicker(page);
    const client = await createWebClient(page);
    await setUpConsentScreen(page);
    const code = await authorize(page, client, app);
    await exchange(client, code);
  } catch (err) {
    const where = `(browser at ${page.url()})`;
    await screenshot(page, 'failure.png').catch(() => {});
    if (err instanceof CheckFailed) {
      console.error(`browser console flow: FAILED: ${err.message} ${where}`);
    } else {
      console.error(err);
      console.error(`browser console flow: FAILED: ${err.message.split('\n')[0]} ${where}; the page says: ${await visibleText(page)}`);
    }
    await browser.close();
    app.server.close();
    process.exit(1);
  }
  await browser.close();
  app.server.close();
  console.log('browser console flow: passed');
}

await main().catch((err) => {
  console.error(err);
  console.error(`browser console flow: FAILED: ${String(err.message).split('\n')[0]}`);
  process.exit(1);
});
