// The analysis in the playground as an operator uses it, in headless Chromium against the built site:
// the -I DROP incident pasted in shows its lockout inline at the line; a proposed change lists the flow it
// moves with a packet that can be added to the scenario, and Apply / Undo; a matrix flow turns red after a
// change and "this change breaks" it; matrix and proposal survive a share link. Screenshots of each go to
// the system's temporary directory for a look.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from './site';
import { playgroundSession } from './session';

const SHOTS = process.env.NFPLAY_SHOTS ?? tmpdir();

const INCIDENT = `iptables -P INPUT DROP
iptables -A INPUT -i lo -j ACCEPT
iptables -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
# SSH from the management subnet
iptables -A INPUT -p tcp -s 10.0.0.0/24 --dport 22 -m state --state NEW -j ACCEPT
iptables -A INPUT -p tcp -s 10.244.0.0/16 --dport 8080 -j ACCEPT
iptables -A INPUT -p tcp --dport 443 -j ACCEPT
iptables -I INPUT -s 10.0.0.0/8 -j DROP
`;

describe.skipIf(!hasChromium)('analysis in the playground', () => {
  const session = playgroundSession();
  const { problems } = session;

  async function open(suffix = ''): Promise<Page> {
    const page = await session.open(suffix, { viewport: { width: 1280, height: 900 } });
    await page.locator('.packet').waitFor();
    return page;
  }

  /// Replaces an editor's whole text as a paste would.
  async function paste(page: Page, editor: string, text: string) {
    await page.locator(`${editor} .cm-content`).click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(text);
  }

  const finding = (page: Page, code: string) => page.locator(`.findings li[data-code="${code}"]`);

  it('shows the lockout of the -I DROP inline, at its line, with why and how to fix it', async () => {
    const page = await open();
    await paste(page, '[data-source="rules"]', INCIDENT);
    await finding(page, 'lockout').waitFor();
    expect(await page.locator('.findings .summary').textContent()).toMatch(/3 errors\s*0 warnings\s*1 info/);
    expect(await finding(page, 'lockout').locator('.where').textContent()).toBe('line 8');
    expect(await finding(page, 'lockout').locator('.msg').textContent()).toMatch(/^No accepted path for SSH \(tcp\/22\) from any source: line 8 \(-I INPUT -s 10\.0\.0\.0\/8 -j DROP\) drops it, inserted with -I above line 5 \(-A INPUT -p tcp -s 10\.0\.0\.0\/24 --dport 22 -m state --state NEW -j ACCEPT\), the ACCEPT that carried it/);
    // In the editor: the rule's line is underlined as an error, its marker in the gutter.
    const line8 = page.locator('[data-source="rules"] .cm-line').nth(7);
    await line8.locator('.cm-lintRange-error').first().waitFor();
    expect(await line8.textContent()).toBe('iptables -I INPUT -s 10.0.0.0/8 -j DROP');
    // Hovering it shows the message, the explanation, the fix and the other rules as buttons.
    await line8.locator('.cm-lintRange-error').first().hover();
    const tip = page.locator('.cm-tooltip-lint .cm-nf-finding', { hasText: 'No accepted path for SSH' });
    await tip.waitFor();
    expect(await tip.locator('.cm-nf-finding-fix').textContent()).toMatch(/^Fix: Move line 5 .* above line 8/);
    await page.screenshot({ path: join(SHOTS, 'nfplay-analysis-lockout.png') });
    // A click on a related rule in the list jumps to it.
    await finding(page, 'lockout').locator('.finding').click();
    await finding(page, 'lockout').getByRole('button', { name: 'line 5', exact: true }).click();
    await expect.poll(() => page.locator('[data-source="rules"] .cm-activeLine').textContent()).toContain('--dport 22 -m state --state NEW -j ACCEPT');
    await page.context().close();
  });

  it('proposes a change: the flow it moves, its example packet added to the scenario, Apply and Undo', async () => {
    const page = await open();
    const appended = INCIDENT.replace('iptables -I INPUT', 'iptables -A INPUT');
    await paste(page, '[data-source="rules"]', appended);
    // The pasted rules have reached the run (the example's SSH from the world is dropped now), so the
    // proposal copies them and not the example's.
    await expect.poll(() => page.locator('.packets li .fate').first().textContent()).toBe('dropped');
    await expect.poll(() => finding(page, 'lockout').count()).toBe(0);
    await page.getByRole('button', { name: 'Propose a change…' }).click();
    await page.locator('.proposal').getByText('Edit the proposed rules').waitFor();
    // In the copy, the change of the incident: -A becomes -I.
    const line8 = page.locator('[data-source="proposal"] .cm-line').nth(7);
    await line8.click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await page.keyboard.insertText('iptables -I INPUT -s 10.0.0.0/8 -j DROP');
    const ssh = page.locator('.proposal .change', { hasText: 'from 10.0.0.0/24 dport 22' });
    await ssh.waitFor();
    expect(await page.locator('.proposal .summary strong').textContent()).toMatch(/^\d+ classes of packets change fate\.$/);
    expect(await ssh.locator('.what').textContent()).toMatch(/^INPUT tcp from 10\.0\.0\.0\/24 dport 22/);
    expect(await ssh.locator('.sides').textContent()).toMatch(/ACCEPT\s*line 5.*DROP\s*line 8 -I INPUT -s 10\.0\.0\.0\/8 -j DROP/s);
    expect(await ssh.locator('.example code').textContent()).toBe('eth0: tcp 10.0.0.1:40000 → 203.0.113.10:22 SYN');
    expect(await ssh.locator('.example').textContent()).toContain('delivered → dropped');
    // The proposal's own findings show in its editor; the current rules keep theirs.
    await page.locator('[data-source="proposal"] .cm-line').nth(7).locator('.cm-lintRange-error').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'nfplay-analysis-proposal.png'), fullPage: true });
    // The example packet joins the scenario: delivered under the current rules.
    const before = await page.locator('.packets li').count();
    await ssh.getByRole('button', { name: 'Add to packets' }).click();
    await expect.poll(() => page.locator('.packets li').count()).toBe(before + 1);
    await expect.poll(() => page.locator('.packets li .fate').last().textContent()).toBe('delivered');
    // Apply: the proposal is the ruleset, and the packet is dropped; Undo brings both back.
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('.packets li .fate').last().textContent()).toBe('dropped');
    expect(await page.locator('.proposal').count()).toBe(0);
    expect(await page.locator('[data-source="rules"] .cm-line').nth(7).textContent()).toBe('iptables -I INPUT -s 10.0.0.0/8 -j DROP');
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => page.locator('.packets li .fate').last().textContent()).toBe('delivered');
    await page.locator('.proposal').waitFor();
    await page.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => page.locator('.proposal').count()).toBe(0);
    await page.context().close();
  });

  it('checks a matrix live: a flow turns red after a change, and a proposal says which it breaks', async () => {
    const page = await open();
    await paste(page, '[data-source="rules"]', INCIDENT.replace('iptables -I INPUT', 'iptables -A INPUT'));
    await page.locator('summary', { hasText: 'Flows that must work' }).click();
    await page.locator('#matrix-text').fill('from 10.0.0.0/24 tcp 22 to host: delivered\nfrom 10.244.0.0/16 tcp 8080 to host: delivered\nfrom any tcp 23 to host: dropped\n');
    const flows = page.locator('.matrix .flow');
    await expect.poll(() => flows.evaluateAll((ls) => ls.map((l) => l.className.includes('ok')))).toEqual([true, true, true]);
    expect(await flows.first().locator('.by').textContent()).toMatch(/delivered by\s+filter INPUT rule 3 \(line 5\): ACCEPT/);
    // A proposal that inserts the DROP: the panel counts the flows it would break.
    await page.getByRole('button', { name: 'Propose a change…' }).click();
    await paste(page, '[data-source="proposal"]', INCIDENT);
    await expect.poll(() => page.locator('.proposal .breaks').textContent()).toBe('This change breaks 2 flows of the matrix.');
    expect(await page.locator('.matrix .after.fail').count()).toBe(2);
    await page.getByRole('button', { name: 'Discard' }).click();
    // Edited in the rules themselves: the two flows go red, with the rule that now decides them.
    await paste(page, '[data-source="rules"]', INCIDENT);
    await expect.poll(() => flows.evaluateAll((ls) => ls.map((l) => l.className.includes('fail')))).toEqual([true, true, false]);
    expect(await flows.first().locator('.by').textContent()).toMatch(/dropped \(10\.0\.0\.\d+\) by\s+filter INPUT rule 1 \(line 8\): DROP/);
    expect(await page.locator('.matrix .summary').textContent()).toContain('2 of 3 flows fail');
    await page.locator('.matrix').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'nfplay-analysis-matrix.png'), fullPage: true });
    // A bad line says where.
    await page.locator('#matrix-text').fill('from 10.0.0.0/24 tcp 22 to host: delivred\n');
    await expect.poll(() => page.locator('.matrix .error').textContent()).toBe('line 1:34: unknown fate "delivred": expected delivered, forwarded, sent, dropped, rejected, allowed, blocked');
    await page.context().close();
  });

  it('keeps the matrix and the proposal in the share link', async () => {
    const page = await open();
    await page.locator('summary', { hasText: 'Flows that must work' }).click();
    await page.locator('#matrix-text').fill('from any tcp 22 to host: delivered\n');
    await page.getByRole('button', { name: 'Propose a change…' }).click();
    await page.locator('[data-source="proposal"] .cm-line').first().click();
    await page.keyboard.press('Home');
    await page.keyboard.insertText('# proposed\n');
    await page.locator('.proposal').waitFor();
    await page.locator('#matrix-text').blur();
    await page.getByRole('button', { name: 'Share link' }).click();
    await expect.poll(() => new URL(page.url()).hash).toMatch(/^#v1\./);
    await page.waitForTimeout(600);
    const link = page.url();
    await page.context().close();

    const again = await open(link.slice(session.url.length));
    await expect.poll(() => again.locator('#matrix-text').inputValue()).toBe('from any tcp 22 to host: delivered\n');
    await again.locator('.proposal').waitFor();
    await expect.poll(() => again.locator('[data-source="proposal"] .cm-line').first().textContent()).toBe('# proposed');
    await expect.poll(() => again.locator('.matrix .flow.ok').count()).toBe(1);
    await again.context().close();
  });

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
