import { createServer, type IncomingMessage, type Server } from 'node:http';

/** ReceivedDelivery is one POST the receiver took in. */
export interface ReceivedDelivery {
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * WebhookReceiver is a real HTTP server standing in for a deployer: it records every request
 * and answers with whatever `respond` says (a status, or 'hang' to never answer).
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  respond: (delivery: ReceivedDelivery, index: number) => number | 'hang' = () => 200;
  private readonly server: Server;
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  private readonly hanging = new Set<() => void>();

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const delivery = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.received.push(delivery);
        const answer = this.respond(delivery, this.received.length - 1);
        for (const waiter of [...this.waiters]) {
          if (this.received.length >= waiter.count) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
        if (answer === 'hang') {
          const end = () => response.destroy();
          this.hanging.add(end);
          return;
        }
        response.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  }

  /** Resolves once `count` requests have arrived in all. */
  waitFor(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    for (const end of this.hanging) end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
