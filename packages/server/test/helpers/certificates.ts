/**
 * Certificates made for one test with the machine's openssl: a CA, and leaf certificates it
 * signs for the server (localhost, 127.0.0.1) and for clients. EC P-256 keys, valid two days.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pem {
  certPath: string;
  keyPath: string;
  cert: Buffer;
  key: Buffer;
}

export interface TestCa extends Pem {
  /** A leaf certificate signed by this CA, for a server (localhost and 127.0.0.1) or a client. */
  issue(name: string, use: 'server' | 'client'): Pem;
}

export interface CertificateDir {
  dir: string;
  ca(name: string): TestCa;
  remove(): void;
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function pem(certPath: string, keyPath: string): Pem {
  return { certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath) };
}

export function certificateDir(): CertificateDir {
  const dir = mkdtempSync(join(tmpdir(), 'endure-tls-'));
  return {
    dir,
    ca(name) {
      const base = join(dir, name);
      openssl(['req', '-x509', ...KEY, '-keyout', `${base}.key`, '-out', `${base}.pem`, '-days', '2', '-subj', `/CN=${name}`]);
      return {
        ...pem(`${base}.pem`, `${base}.key`),
        issue(leaf, use) {
          const leafBase = join(dir, leaf);
          openssl(['req', ...KEY, '-keyout', `${leafBase}.key`, '-out', `${leafBase}.csr`, '-subj', `/CN=${use === 'server' ? 'localhost' : leaf}`]);
          const extensions =
            use === 'server'
              ? 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n'
              : 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n';
          writeFileSync(`${leafBase}.ext`, extensions);
          openssl([
            'x509', '-req', '-in', `${leafBase}.csr`, '-CA', `${base}.pem`, '-CAkey', `${base}.key`, '-CAcreateserial',
            '-out', `${leafBase}.pem`, '-days', '2', '-extfile', `${leafBase}.ext`,
          ]);
          return pem(`${leafBase}.pem`, `${leafBase}.key`);
        },
      };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
