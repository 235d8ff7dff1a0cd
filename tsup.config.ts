import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/trees.ts'],
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { noEmit: false } },
  tsconfig: 'tsconfig.build.json',
  sourcemap: true,
  clean: true,
  // The XGBoost baseline locates its engine with import.meta.url; shim it in the CJS build.
  shims: true,
  target: 'es2020',
  external: [/^@tensorflow\//, 'csv-parse', 'ydf-training', 'ml-xgboost'],
});
