#!/usr/bin/env node
// Runs `npm ci` unless node_modules already matches package-lock.json (npm records the installed tree in
// node_modules/.package-lock.json, which is newer than package-lock.json after an install). Used by the Maven build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lock = path.join(web, 'package-lock.json');
const installed = path.join(web, 'node_modules', '.package-lock.json');
const mtime = (f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : -1);

if (mtime(installed) >= mtime(lock) && process.env.PIER_WEB_NPM_CI !== 'always') {
  console.log('web: node_modules is up to date with package-lock.json; skipping npm ci');
  process.exit(0);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: web, stdio: 'inherit' });
process.exit(r.status ?? 1);
