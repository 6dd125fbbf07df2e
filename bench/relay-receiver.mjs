// The destinations of `npm run bench:relay`, in their own process (started with fork): every
// path answers 200 after reading the body, except `/hang`, which never answers. Each arrival is
// timestamped here (Date.now(), the same clock the sender reads) and kept until the bench
// collects it over IPC.
import { createServer } from 'node:http';

let arrivals = [];
const counts = new Map();
const hanging = new Set();

const server = createServer((req, res) => {
  const path = req.url ?? '/';
  req.resume();
  req.on('end', () => {
    const at = Date.now();
    counts.set(path, (counts.get(path) ?? 0) + 1);
    arrivals.push([String(req.headers['webhook-id']), path, at]);
    if (path === '/hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    res.writeHead(200).end('ok');
  });
});
server.keepAliveTimeout = 60_000;

const handlers = {
  /** Arrival counts per path (cheap; polled to see when a run is complete). */
  counts: () => Object.fromEntries(counts),
  /** Every arrival since the last collect: [webhook-id, path, epoch ms]. */
  collect: () => {
    const taken = arrivals;
    arrivals = [];
    counts.clear();
    return taken;
  },
  /** Drops the requests held open by /hang (between runs). */
  release: () => {
    for (const res of hanging) res.destroy();
    return hanging.size;
  },
};

process.on('message', ({ id, command }) => process.send({ id, result: handlers[command]() }));
process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', () => process.send({ id: 0, result: server.address().port }));
