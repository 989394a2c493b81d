// `npm run screenshots`: the main view at desktop and phone widths, light and dark, into docs/.
import { resolve } from 'node:path';
import { buildSite, launch, serve } from './site';

const OUT = resolve(import.meta.dirname, '../../docs');
const site = await buildSite();
const server = await serve(site.dir);
const browser = await launch();
try {
  const shots = [
    { name: 'playground-desktop', width: 1280, height: 800, scheme: 'light' },
    { name: 'playground-desktop-dark', width: 1280, height: 800, scheme: 'dark' },
    { name: 'playground-phone', width: 390, height: 844, scheme: 'light', full: true },
    { name: 'playground-embed', width: 800, height: 600, scheme: 'light', query: '?embed' },
    { name: 'playground-gallery', width: 1280, height: 800, scheme: 'light', gallery: true },
    { name: 'playground-nft', width: 1280, height: 800, scheme: 'light', nft: true },
    { name: 'playground-nft-phone', width: 390, height: 844, scheme: 'light', nft: true, full: true },
    { name: 'playground-nft-explain', width: 1280, height: 800, scheme: 'light', explain: true },
    { name: 'playground-chains', width: 1280, height: 800, scheme: 'light', chains: true },
    { name: 'playground-chains-phone', width: 390, height: 844, scheme: 'light', chains: true },
  ] as const;
  for (const s of shots) {
    const page = await browser.newPage({ viewport: { width: s.width, height: s.height }, colorScheme: s.scheme, deviceScaleFactor: 1 });
    await page.goto(server.url + ('query' in s ? s.query : ''));
    await page.locator('.packet').waitFor();
    if ('gallery' in s) {
      await page.getByRole('button', { name: 'Examples…' }).click();
      await page.locator('.gallery .card').first().waitFor();
    }
    if ('nft' in s) {
      await page.getByRole('button', { name: 'Examples…' }).click();
      await page.locator('.gallery [data-example="nat-gateway"]').click();
      await page.getByRole('tab', { name: 'nftables' }).click();
      await page.locator('.nft [data-out].mapped').first().hover();
      await page.getByRole('tab', { name: 'nftables' }).scrollIntoViewIfNeeded();
    }
    if ('explain' in s) {
      // The payment gateway's translation: the first packet's nft step opened, with the rules passed over.
      await page.getByRole('button', { name: 'Examples…' }).click();
      await page.locator('.gallery [data-example="payment-gateway"]').click();
      await page.getByRole('tab', { name: 'nftables' }).click();
      const ask = page.locator('.nft-sim .ask button');
      if (await ask.count()) await ask.click();
      await page.locator('.nft-sim tbody button.why').first().click();
      await page.locator('.nft-sim tr.opened').first().waitFor();
      await page.waitForTimeout(1000);
      await page.locator('.nft-sim tr.opened').scrollIntoViewIfNeeded();
    }
    if ('chains' in s) {
      // The kube-proxy example's first packet at its DNAT, three user chains deep.
      await page.getByRole('button', { name: 'Examples…' }).click();
      await page.locator('.gallery [data-example="kube-proxy"]').click();
      await page.locator('.packets .pick').first().click();
      await page.getByRole('button', { name: 'First step' }).click();
      for (let i = 0; i < 12 && !(await page.locator('.chain-box .crow.current', { hasText: 'DNAT' }).count()); i++)
        await page.getByRole('button', { name: 'Step forward' }).click();
      await page.locator('.diagram').scrollIntoViewIfNeeded();
    }
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${OUT}/${s.name}.png`, fullPage: 'full' in s && s.full });
    console.log(`docs/${s.name}.png`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
  await site.cleanup();
}
