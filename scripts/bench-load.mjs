// The load generator of `npm run bench`, run as its own process so that its work is not the server's:
// autocannon on loopback for a fixed time, then one JSON line with the figures. Each connection may carry its
// own headers and alternate between request bodies (the save cases), counting its answers by status.
// Usage: node scripts/bench-load.mjs '<json>'  (url, connections, duration, method, headers, body, warmup,
// perConnection: [{ path?, headers, bodies }])
import autocannon from 'autocannon'

const cfg = JSON.parse(process.argv[2])
const perConnection = cfg.perConnection ?? null // [{ headers, bodies: [a, b] }] — one entry per connection
const byStatus = {}
const conn = [] // per connection: { ok, lastOk } where lastOk is the index of the body last answered 2xx/3xx
let next = 0

function setupClient(client) {
  const me = next++
  if (perConnection) {
    const p = perConnection[me % perConnection.length]
    const state = { ok: 0, lastOk: null }
    let cur = 0
    conn[me] = state
    client.setRequests([{ method: cfg.method ?? 'GET', path: p.path ?? new URL(cfg.url).pathname, headers: { ...cfg.headers, ...p.headers }, body: p.bodies[0] }])
    // 'response' comes before the next request is built: the body switches for it.
    client.on('response', (status) => {
      byStatus[status] = (byStatus[status] ?? 0) + 1
      if (status < 400) { state.ok++; state.lastOk = cur }
      cur = (cur + 1) % p.bodies.length
      client.setBody(p.bodies[cur])
    })
  } else {
    client.on('response', (status) => { byStatus[status] = (byStatus[status] ?? 0) + 1 })
  }
}

const opts = {
  url: cfg.url,
  method: cfg.method ?? 'GET',
  connections: cfg.connections,
  duration: cfg.duration,
  headers: cfg.headers ?? {},
  body: cfg.body,
  timeout: 30,
  setupClient,
}
if (cfg.warmup && !perConnection) opts.warmup = { connections: cfg.connections, duration: cfg.warmup }

autocannon(opts, (err, r) => {
  if (err) { console.error(err); process.exit(1) }
  process.stdout.write(JSON.stringify({
    rps: r.requests.average, total: r.requests.total,
    p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max,
    errors: r.errors, timeouts: r.timeouts, byStatus, connections: conn,
  }) + '\n')
})
