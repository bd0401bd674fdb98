/**
 * A counting TCP proxy (the first-load benchmark, the delivery browser test): the browser talks to the
 * server through it, and it records every HTTP request line the browser sent
 * and every byte the server sent back (HTTP bodies as encoded on the wire and
 * websocket frames as compressed), so the benchmark knows what really crossed
 * the line — what the browser took from its cache never reaches it.
 */
import net from 'node:net';

/** A running proxy: its port, and what went through since the last `reset`. */
export interface WireProxy {
  port: number;
  /** `GET /assets/x.js` and the like, in the order the browser sent them. */
  requests: string[];
  /** Bytes from the server to the browser. */
  bytesDown: number;
  /** Bytes from the browser to the server. */
  bytesUp: number;
  reset(): void;
  close(): Promise<void>;
}

const REQUEST_LINE_RE = /(?:^|\r\n)(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\S+) HTTP\/1\.1\r\n/g;

/** Starts a proxy on 127.0.0.1 that forwards every connection to `targetPort`. */
export async function startWireProxy(targetPort: number): Promise<WireProxy> {
  const sockets = new Set<net.Socket>();
  const proxy: WireProxy = {
    port: 0,
    requests: [],
    bytesDown: 0,
    bytesUp: 0,
    reset() {
      this.requests = [];
      this.bytesDown = 0;
      this.bytesUp = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let upgraded = false;
    client.on('data', (chunk: Buffer) => {
      proxy.bytesUp += chunk.length;
      // After a websocket upgrade the bytes are frames, not requests.
      if (!upgraded) {
        const text = chunk.toString('latin1');
        for (const m of text.matchAll(REQUEST_LINE_RE)) proxy.requests.push(`${m[1]} ${m[2]}`);
        if (/\r\nupgrade: websocket\r\n/i.test(text)) upgraded = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      proxy.bytesDown += chunk.length;
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  proxy.port = (server.address() as net.AddressInfo).port;
  return proxy;
}
