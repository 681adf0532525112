// ESLint for every TypeScript file of the workspace (typescript-eslint's recommended rules),
// plus the service boundary: another service is reached only through its public index.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.next/**', '**/coverage/**', 'web/next-env.d.ts', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Entities list classes as Function[], as TypeORM types them.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@gatehouse/*/*'],
              message: "Import another service only through its public index ('@gatehouse/<service>').",
            },
            {
              regex: '^(\\.\\./)+(shared|identity|pipelines|policy|audit|integrations|api|cli)/',
              message: "Do not reach into another service by path; import '@gatehouse/<service>'.",
            },
          ],
        },
      ],
    },
  },
);
