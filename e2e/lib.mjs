// Helpers of the browser suite: a seeded appvd server on a free port, Debian's Chromium, TOTP codes.

import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PASSWORD = 'browser-suite-password';

/** The appvd binary: $APPVD_BIN, else the debug build in the target directory. */
export function appvdBinary() {
  if (process.env.APPVD_BIN) return process.env.APPVD_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(root, 'target');
  const bin = join(target, 'debug', 'appvd');
  if (!existsSync(bin)) throw new Error(`no appvd binary at ${bin}; build it (cargo build --bin appvd) or set APPVD_BIN`);
  return bin;
}

function cli(dataDir, args, input) {
  const r = spawnSync(appvdBinary(), ['--data-dir', dataDir, ...args], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`appvd ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Starts a server with a vendor (verified contact), a product, two analysts and a vendor member. */
export async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'appvd-e2e-'));
  cli(dataDir, ['admin', 'create-org', '--name', 'Acme Mobile', '--kind', 'vendor', '--security-contact', 'psirt@acme.example', '--verified']);
  cli(dataDir, ['admin', 'create-product', '--vendor-org-id', '1', '--name', 'Acme Chat', '--platform', 'android', '--package-id', 'com.acme.chat']);
  cli(dataDir, ['admin', 'create-user', '--login', 'ana', '--roles', 'analyst'], PASSWORD + '\n');
  cli(dataDir, ['admin', 'create-user', '--login', 'ben', '--roles', 'analyst'], PASSWORD + '\n');
  cli(dataDir, ['admin', 'create-user', '--login', 'vic', '--roles', 'vendor_member', '--org-id', '1'], PASSWORD + '\n');
  const child = spawn(appvdBinary(), ['--data-dir', dataDir, 'serve', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((ok, fail) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', ok);
    child.once('exit', (code) => fail(new Error(`appvd serve exited with ${code}`)));
  });
  const url = line.match(/http:\/\/\S+/)[0];
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Launches Chromium the way this machine allows: headless, sandbox off (root), no background network. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const c of s.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The current six-digit TOTP code (RFC 6238, SHA-1, 30 s). */
export function totp(secret, at = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const h = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const o = h[19] & 0x0f;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1000000).padStart(6, '0');
}
