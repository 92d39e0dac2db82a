// Logs in to the hub's dashboard as a person does (the form), in Debian's Chromium, headless;
// prints what the page reads as JSON and keeps screenshots at 1024x768 and at a phone's size.
// Usage: node dashboard.js URL USER PASSWORD SHOT_PREFIX
const { chromium } = require('playwright-core');

(async () => {
  const [url, user, password, shots] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    const first = await page.goto(url);
    const form = { status: first.status(), title: await page.title() };
    await page.fill('input[name=name]', user);
    await page.fill('input[name=password]', password);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    const text = await page.innerText('body');
    const title = await page.title();
    await page.screenshot({ path: `${shots}-1024x768.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // A phone: the page itself never scrolls sideways (the table scrolls in its box).
    const phoneWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.screenshot({ path: `${shots}-phone.png`, fullPage: true });
    const log = await page.goto(new URL('/_caja/log', url).toString());
    const logText = await page.innerText('body');
    console.log(JSON.stringify({ form, title, text, phoneWidth, logStatus: log.status(), logText }));
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
