// Import direction (DESIGN.md, convention 1): src-shared imports nothing runtime-specific,
// src-renderer imports only src-shared, src-main and src-preload import src-shared, never each other.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'http', 'https', 'net', 'child_process', 'crypto', 'stream', 'url', 'events'];
// A bare module name is matched as the whole import (or its subpath), never as any path segment:
// as a gitignore-style pattern, 'events' also forbade '../src-shared/events/contract'.
const bare = (name) => /^[a-z_]+$/.test(name);
const forbid = (groups, message) => ({
  'no-restricted-imports': [
    'error',
    { patterns: groups.map((group) => (bare(group) ? { regex: `^${group}(/.*)?$`, message } : { group: [group], message })) },
  ],
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bench-results/**', '.capstan-dev/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src-shared/**'],
    rules: forbid(
      [
        ...nodeBuiltins,
        'electron',
        'react',
        'react-dom',
        '**/src-main/**',
        '**/src-renderer/**',
        '**/src-preload/**',
        '**/src-sandbox/**',
        '@kubernetes/*',
        'ws',
      ],
      'src-shared is runtime-neutral: no Node, DOM, Electron or other layer imports.',
    ),
  },
  {
    files: ['src-renderer/**'],
    rules: forbid(
      [...nodeBuiltins, 'electron', '**/src-main/**', '**/src-preload/**', '**/src-sandbox/**', '@kubernetes/*', 'ws'],
      'src-renderer may import only src-shared and browser libraries.',
    ),
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/electron/**'],
    rules: forbid(
      ['electron', '**/src-renderer/**', '**/src-preload/**'],
      'Only src-main/electron/ may import Electron; src-main never imports renderer or preload code.',
    ),
  },
  {
    // The sandbox is started by the composition root only; services never depend on it. Tests use
    // it as a referee, and test doubles (fake-*.ts) may build on it.
    files: ['src-main/**'],
    ignores: [
      'src-main/app/**',
      'src-main/electron/**',
      'src-main/**/*.test.ts',
      'src-main/**/fake-*.ts',
      'src-main/testing/**',
      'src-main/**/testing/**',
    ],
    rules: forbid(
      ['electron', '**/src-renderer/**', '**/src-preload/**', '**/src-sandbox/**'],
      'Only the composition root (src-main/app/) starts the sandbox; src-main services never import src-sandbox (tests and fake-*.ts doubles may).',
    ),
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      // An effect that must not re-run on a value it reads takes it through useLatest (a ref).
      // useRequest's deps are an effect's deps: checked the same way.
      'react-hooks/exhaustive-deps': ['error', { additionalHooks: '(useRequest)' }],
    },
  },
  {
    // useWebgl() there is a plain function, not a hook; renaming it removes this exception.
    files: ['src-renderer/features/logs/terminal.ts'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  {
    files: ['src-main/electron/**'],
    rules: forbid(['**/src-renderer/**', '**/src-preload/**'], 'src-main never imports renderer or preload code.'),
  },
  {
    files: ['src-preload/**'],
    rules: forbid(['**/src-main/**', '**/src-renderer/**', '**/src-sandbox/**'], 'src-preload imports only src-shared and electron.'),
  },
  {
    files: ['src-sandbox/**'],
    rules: forbid(['electron', '**/src-main/**', '**/src-renderer/**', '**/src-preload/**'], 'The sandbox is independent of the app.'),
  },
);
