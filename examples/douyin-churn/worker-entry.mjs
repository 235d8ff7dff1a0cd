// Worker threads start without tsx's TypeScript loader, so this plain-JS entry registers it
// in the worker, then loads the TypeScript worker module.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
