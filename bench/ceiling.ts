/**
 * The ceiling: a bare `node:http` server that reads each request body and answers every request with
 * one fixed small JSON body. No routing, no parsing, no storage: what any Node HTTP server on this machine
 * can reach at best. Run as its own process by the harness: `node ceiling.js <port>`; prints one JSON
 * line `{"msg":"ceiling listening","url":…}`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// Shaped so every harness step accepts it: CreateQueue reads QueueUrl, SendMessage reads MessageId,
// SendMessageBatch reads Successful/Failed (neither present → nothing failed).
const BODY = Buffer.from(
  JSON.stringify({
    QueueUrl: 'http://127.0.0.1/000000000000/ceiling',
    MessageId: '5fea7756-0ea4-451a-a703-a558b933e274',
    MD5OfMessageBody: 'fafb00f5732ab283681e124bf8747ed1',
  }),
);

const server = http.createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': BODY.length });
    res.end(BODY);
  });
});
server.keepAliveTimeout = 5000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(JSON.stringify({ msg: 'ceiling listening', url: `http://127.0.0.1:${port}` }) + '\n');
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
