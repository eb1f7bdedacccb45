/**
 * Generated scenarios for scale work: N apps, each released through FAT, UAT and PRO groups across
 * the default scenario's clusters (fat, uat, pro-east, pro-west). The release board benchmark runs
 * 500 apps at `--scale 4` (50,000 pods); `npm run sandbox -- --apps 500 --scale 4` serves the same.
 *
 * Deterministic (same N, same scenario) so that figures are comparable between runs. Every version
 * is `good`: a benchmark wants a datacenter that only changes when it is told to, not crash loops
 * adding their own pod churn.
 */
import type { Scenario } from './scenario';
import { parseScenario } from './scenario';

export interface GeneratedScenarioOptions {
  /** How many apps (1..2000). */
  apps: number;
}

/** Replicas per app at scale 1: 25, so `--scale 4` gives 100 pods per app (fat 4, uat 8, pro 44 + 44). */
export const GENERATED_REPLICAS = { fat: 1, uat: 2, 'pro-east': 11, 'pro-west': 11 } as const;
export const MAX_GENERATED_APPS = 2000;

// Names read like a real estate of services: <domain>-<role>, 40 × 50 = 2,000 distinct apps.
const DOMAINS = [
  'account',
  'address',
  'audit',
  'basket',
  'billing',
  'booking',
  'cart',
  'catalog',
  'checkout',
  'coupon',
  'customer',
  'delivery',
  'discount',
  'fraud',
  'gift',
  'identity',
  'inventory',
  'invoice',
  'ledger',
  'loyalty',
  'mail',
  'media',
  'member',
  'notify',
  'offer',
  'orders',
  'partner',
  'payment',
  'pricing',
  'profile',
  'promo',
  'rating',
  'refund',
  'report',
  'review',
  'search',
  'seller',
  'shipping',
  'stock',
  'wallet',
];
const ROLES = [
  'api',
  'web',
  'worker',
  'sync',
  'gateway',
  'admin',
  'batch',
  'cache',
  'consumer',
  'producer',
  'indexer',
  'query',
  'command',
  'export',
  'import',
  'scheduler',
  'notifier',
  'bff',
  'edge',
  'stream',
  'ingest',
  'archive',
  'reconcile',
  'validator',
  'router',
  'proxy',
  'monitor',
  'cleanup',
  'backfill',
  'replay',
  'feed',
  'hub',
  'portal',
  'store',
  'engine',
  'service',
  'agent',
  'bridge',
  'collector',
  'dispatcher',
  'loader',
  'mapper',
  'matcher',
  'planner',
  'ranker',
  'resolver',
  'scanner',
  'signer',
  'tracker',
  'watcher',
];
const NAMESPACES = ['shop', 'platform', 'payments', 'logistics', 'data'];

export function generatedAppName(i: number): string {
  return `${DOMAINS[i % DOMAINS.length]}-${ROLES[Math.floor(i / DOMAINS.length) % ROLES.length]}`;
}

export function generateScenario(opts: GeneratedScenarioOptions): Scenario {
  const n = opts.apps;
  if (!Number.isInteger(n) || n < 1 || n > MAX_GENERATED_APPS)
    throw new RangeError(`apps must be an integer from 1 to ${MAX_GENERATED_APPS}, got ${n}`);
  const apps = Array.from({ length: n }, (_, i) => {
    // PRO runs major.minor.patch; about half the apps have the next patch in UAT, a third the next
    // minor in FAT: the board shows a realistic mix of "in test" and "everywhere the same".
    const major = 1 + (i % 4);
    const minor = i % 9;
    const patch = 1 + (i % 5);
    const previous = `${major}.${minor}.${patch - 1}`;
    const pro = `${major}.${minor}.${patch}`;
    const uat = i % 2 === 0 ? `${major}.${minor}.${patch + 1}` : pro;
    const fat = i % 3 === 0 ? `${major}.${minor + 1}.0` : uat;
    const versions = Object.fromEntries([...new Set([previous, pro, uat, fat])].map((v) => [v, { behaviour: 'good' as const }]));
    return {
      name: generatedAppName(i),
      namespace: NAMESPACES[i % NAMESPACES.length]!,
      readySeconds: 5,
      versions,
      groups: [
        { group: 'fat', cluster: 'fat', replicas: GENERATED_REPLICAS.fat, version: fat, history: fat !== uat ? [uat] : [] },
        { group: 'uat', cluster: 'uat', replicas: GENERATED_REPLICAS.uat, version: uat, history: uat !== pro ? [pro] : [] },
        { group: 'pro', cluster: 'pro-east', replicas: GENERATED_REPLICAS['pro-east'], version: pro, history: [previous] },
        { group: 'pro', cluster: 'pro-west', replicas: GENERATED_REPLICAS['pro-west'], version: pro, history: [previous] },
      ],
    };
  });
  return parseScenario(
    {
      name: `generated-${n}-apps`,
      registries: { 'dc-east': 'harbor-east.sandbox.local', 'dc-west': 'harbor-west.sandbox.local' },
      clusters: [
        { name: 'fat', datacenter: 'dc-east', nodes: 2 },
        { name: 'uat', datacenter: 'dc-east', nodes: 3 },
        { name: 'pro-east', datacenter: 'dc-east', nodes: 6 },
        { name: 'pro-west', datacenter: 'dc-west', nodes: 6 },
      ],
      namespaces: NAMESPACES,
      apps,
    },
    `generated (${n} apps)`,
  );
}
