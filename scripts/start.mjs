// `npm start`: a local receiver that verifies each delivery and prints the event.
// (When the relay lands, `npm start` runs the relay on its embedded SQLite default instead.)
import { createServer } from 'node:http';
import { unwrap, WebhookConfigError } from '@hookline/webhooks';
import { generateSecret } from '@hookline/webhooks/testing';

const port = Number(process.env.PORT ?? 8787);
const key = process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY ?? generateSecret();
if (!process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY) {
  console.log(`No ANTHROPIC_WEBHOOK_SIGNING_KEY set; using a fresh key for local tests: ${key}`);
}

createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    try {
      const event = unwrap(Buffer.concat(chunks), { headers: req.headers, key });
      console.log(`${new Date().toISOString()} ${String(event.data.type)} ${event.data.id} (${event.id})`);
      res.writeHead(204).end();
    } catch (error) {
      const status = error instanceof WebhookConfigError ? 500 : 400;
      console.log(`${new Date().toISOString()} rejected: ${error.code ?? 'error'}: ${error.message.split('\n')[0]}`);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: error.code, message: error.message } }));
    }
  });
}).listen(port, '127.0.0.1', () => console.log(`Listening for webhooks on http://127.0.0.1:${port}/`));
