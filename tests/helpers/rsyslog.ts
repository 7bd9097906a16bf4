import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { testCa } from './certificates.js';

/** A test CA, a server certificate for localhost / 127.0.0.1 (the collector's) and a client certificate (the gateway's). */
export function makeTestCa(dir: string): { ca: string; cert: string; key: string; clientCert: string; clientKey: string } {
  const authority = testCa(dir, 'Larmor test audit CA');
  const server = authority.sign('server', 'localhost', 'serverAuth');
  const client = authority.sign('client', 'larmor-gateway', 'clientAuth');
  return { ca: authority.ca, cert: server.cert, key: server.key, clientCert: client.cert, clientKey: client.key };
}

/**
 * A real rsyslog (Debian rsyslog + rsyslog-gnutls) as the site's audit record repository:
 * imtcp with the gtls driver on `port` (RFC 5425), every message written to `received` in
 * RFC 5424 form, one per line.
 */
export class Rsyslog {
  private constructor(
    private readonly child: ChildProcess,
    readonly received: string,
    private readonly stderr: () => string,
  ) {}

  /** `authMode` x509/certvalid asks the client for a certificate signed by the CA (IHE ATNA node authentication). */
  static async start(
    dir: string,
    port: number,
    tls: { ca: string; cert: string; key: string },
    authMode: 'anon' | 'x509/certvalid' = 'anon',
  ): Promise<Rsyslog> {
    const received = join(dir, 'received.log');
    const conf = join(dir, 'rsyslog.conf');
    writeFileSync(
      conf,
      `global(workDirectory="${dir}" maxMessageSize="64k"
       defaultNetstreamDriver="gtls" defaultNetstreamDriverCAFile="${tls.ca}"
       defaultNetstreamDriverCertFile="${tls.cert}" defaultNetstreamDriverKeyFile="${tls.key}")
module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="${authMode}")
input(type="imtcp" port="${port}" address="127.0.0.1")
action(type="omfile" file="${received}" template="RSYSLOG_SyslogProtocol23Format")
`,
    );
    let stderr = '';
    const child = spawn('rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const rsyslog = new Rsyslog(child, received, () => stderr);
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) throw new Error(`rsyslogd exited ${child.exitCode}: ${stderr}`);
      if (await accepts(port)) return rsyslog;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    throw new Error(`rsyslogd did not listen on ${port}: ${stderr}`);
  }

  /** The lines written so far. */
  lines(): string[] {
    return existsSync(this.received) ? readFileSync(this.received, 'utf8').split('\n').filter(Boolean) : [];
  }

  get output(): string {
    return this.stderr();
  }

  /** SIGTERM, as an administrator stopping the service, and wait for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
