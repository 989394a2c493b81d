// The host panel's device group and route realm fields (scenario extensions for -m devgroup and -m realm),
// as a person uses them, against the built site in headless Chromium: setting a group or a realm changes
// the packet's verdict, a value the kernel would not take stays in its field with an inline error, the share
// link carries the value, and clearing it gives back the scenario as it was, byte for byte.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Scenario } from '../../src/engine/model/scenario';
import { decodeShareLink, encodeShareLink } from '../../src/share/share-link';
import { hasChromium } from './site';
import { playgroundSession } from './session';

// A delivered SSH SYN; dropped once eth0 is in device group 5, rejected once the route back to its source
// has realm 3 (a delivered packet carries that realm in the high half of its class id).
const SCENARIO: Scenario = {
  version: 1,
  host: {
    interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }, { name: 'eth1', addresses: ['10.0.0.1/24'] }],
    routes: [{ to: '198.51.100.0/24', via: '203.0.113.1', dev: 'eth0' }],
  },
  rules: [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    '-A INPUT -i eth0 -m devgroup --src-group 5 -j DROP',
    '-A INPUT -m realm --realm 0x30000/0xffff0000 -j REJECT',
    'COMMIT',
    '',
  ].join('\n'),
  packets: [{ from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport: 22, flags: ['SYN'] }],
};

describe.skipIf(!hasChromium)('host panel: device groups and route realms in Chromium', () => {
  const session = playgroundSession();
  const { problems } = session;

  const fates = (page: Page) => page.locator('.packets li .fate').allTextContents();
  const hash = (page: Page) => page.evaluate(() => location.hash);
  const hostOf = async (page: Page) => (await decodeShareLink(await hash(page))).host;
  /// Types into a field and commits it as a person does (Enter).
  const enter = async (page: Page, label: string, text: string) => {
    await page.getByLabel(label, { exact: true }).fill(text);
    await page.getByLabel(label, { exact: true }).press('Enter');
  };

  it('changes the verdict with the group and the realm, keeps bad text with its error, and links the value', async () => {
    const page = await session.open('#' + (await encodeShareLink(SCENARIO)));
    await expect.poll(() => fates(page)).toEqual(['delivered']);
    await page.locator('summary', { hasText: 'Host' }).click();
    const group = page.getByLabel('interface 1 group', { exact: true });
    const realm = page.getByLabel('route 1 realm', { exact: true });
    expect(await group.inputValue()).toBe('');
    expect(await realm.inputValue()).toBe('');
    const original = await hostOf(page);
    expect(JSON.stringify(original)).toBe(JSON.stringify(SCENARIO.host));

    // Keyboard reachable: Tab from the addresses lands on the group.
    await page.getByLabel('interface 1 addresses', { exact: true }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('interface 1 group');

    // Out of range: the text stays, an inline error says why, nothing reruns.
    await enter(page, 'interface 1 group', '4294967296');
    const error = page.locator('#host-iface-0-group-error');
    expect(await error.textContent()).toBe('Interface 1 group “4294967296”: not a whole number from 0 to 4294967295 (unsigned 32-bit).');
    expect(await group.inputValue()).toBe('4294967296');
    expect(await group.getAttribute('aria-invalid')).toBe('true');
    expect(await group.getAttribute('aria-describedby')).toBe('host-iface-0-group-error');
    // An edit elsewhere in the panel keeps the draft and its error.
    await enter(page, 'interface 2 addresses', '10.0.0.1/24, 10.0.1.1/24');
    await expect.poll(async () => (await hostOf(page)).interfaces[1].addresses).toEqual(['10.0.0.1/24', '10.0.1.1/24']);
    expect(await group.inputValue()).toBe('4294967296');
    expect(await error.count()).toBe(1);
    await enter(page, 'interface 1 group', '-1');
    expect(await error.textContent()).toBe('Interface 1 group “-1”: not a whole number from 0 to 4294967295 (unsigned 32-bit).');
    expect(await fates(page)).toEqual(['delivered']);

    // Group 5 (hex as iproute2 reads it): the SYN is dropped, the error gone, the field shows the number.
    await enter(page, 'interface 1 group', '0x5');
    await expect.poll(() => fates(page)).toEqual(['dropped']);
    expect(await error.count()).toBe(0);
    expect(await group.inputValue()).toBe('5');
    expect(await group.getAttribute('aria-invalid')).toBe('false');
    await expect.poll(async () => (await hostOf(page)).interfaces[0]).toEqual({ name: 'eth0', addresses: ['203.0.113.10/24'], group: 5 });

    // The link carries it: a fresh visitor of the link sees group 5 and the drop.
    const link = page.url();
    const again = await session.open();
    await again.goto(link);
    await expect.poll(() => fates(again)).toEqual(['dropped']);
    await again.locator('summary', { hasText: 'Host' }).click();
    expect(await again.getByLabel('interface 1 group', { exact: true }).inputValue()).toBe('5');
    await again.context().close();

    // Back to no group, then realm 3 on the route back to the source: rejected.
    await enter(page, 'interface 1 group', '');
    await expect.poll(() => fates(page)).toEqual(['delivered']);
    await enter(page, 'route 1 realm', '4294967295x');
    expect(await page.locator('#host-route-0-realm-error').textContent()).toBe('Route 1 realm “4294967295x”: not a whole number from 0 to 4294967295 (unsigned 32-bit).');
    expect(await realm.inputValue()).toBe('4294967295x');
    await enter(page, 'route 1 realm', '3');
    await expect.poll(() => fates(page)).toEqual(['rejected']);
    expect(await page.locator('#host-route-0-realm-error').count()).toBe(0);
    await expect.poll(async () => (await hostOf(page)).routes).toEqual([{ to: '198.51.100.0/24', via: '203.0.113.1', dev: 'eth0', realm: 3 }]);

    // 0 is the absent value: the scenario is as it was before, byte for byte.
    await enter(page, 'route 1 realm', '0');
    await expect.poll(() => fates(page)).toEqual(['delivered']);
    expect(await realm.inputValue()).toBe('');
    await enter(page, 'interface 2 addresses', '10.0.0.1/24');
    await expect.poll(async () => JSON.stringify(await hostOf(page))).toBe(JSON.stringify(SCENARIO.host));
    await page.context().close();
  }, 90_000);

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
