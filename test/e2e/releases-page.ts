/** What the Releases e2e tests share: opening the view, and the head of their release plans. */
import type { Page } from 'playwright-core';

/** Opens Releases from the navigation; with `boardRows`, waits until the board lists that many rows (up to a minute). */
export async function openReleases(page: Page, opts: { boardRows?: number } = {}): Promise<void> {
  await page
    .getByRole('button', { name: /Releases/ })
    .or(page.getByRole('link', { name: /Releases/ }))
    .first()
    .click();
  if (opts.boardRows)
    await page
      .locator('[data-testid=board-row]')
      .nth(opts.boardRows - 1)
      .waitFor({ timeout: 60_000 });
}

/** The first lines of a plan that releases shop/<app>:<tag> against the sandbox's saved snapshot, rolled back by hand. */
export const planHead = (app: string, tag: string, maxParallelGroups: number): string => `name: ${app}-${tag}
app: ${app}
image: { repository: shop/${app}, tag: ${tag} }
snapshotDate: 2026-11-26T20:00:00Z
createdAt: 2026-11-26T21:00:00Z
maxParallelGroups: ${maxParallelGroups}
rollback: manual
`;
