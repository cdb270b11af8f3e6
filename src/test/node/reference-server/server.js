'use strict';
// The presence server a team would write instead of Roomkeeper, with the `ws` package: the reference of the
// load harness's comparison (src/docs/benchmarks.md). It speaks the part of Roomkeeper's protocol
// (src/docs/protocol.md) that the harness's client uses; any token is accepted, nothing is stored.
const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.env.PORT || 8090);
const hosts = (process.env.HOSTS || '127.0.0.1').split(',');
const rooms = new Map(); // room -> { seq, sockets: Set<WebSocket>, sessions: Map<sessionId, session> }

const roomOf = (name) => rooms.get(name) || rooms.set(name, { seq: 0, sockets: new Set(), sessions: new Map() }).get(name);
const presence = (s) => ({ userId: s.userId, sessionId: s.sessionId, state: 'online', joinedAt: s.joinedAt, meta: s.meta });
const reply = (ws, type, id, fields) => ws.send(JSON.stringify({ type, id, ...fields, time: Date.now() }));
function broadcast(name, room, type, data) {
  const frame = JSON.stringify({ type: 'event', event: { room: name, seq: ++room.seq, type, data, time: Date.now() } });
  for (const ws of room.sockets) ws.send(frame); // encoded once, the same string to every socket
}
function end(s, reason) {
  s.room.sessions.delete(s.sessionId);
  s.ws.sessions.delete(s);
  broadcast(s.name, s.room, 'presence.leave', { userId: s.userId, sessionId: s.sessionId, reason, lastDisconnected: Date.now() });
}
const claims = (token) => { // the payload of a JWT, unverified: no real authentication here
  try { return JSON.parse(Buffer.from(String(token).split('.')[1], 'base64url').toString()); } catch { return {}; }
};

const handlers = {
  'presence.join'(ws, f, room) {
    const interval = Math.min(60000, Math.max(2000, Number(f.interval) || 10000));
    let s = room.sessions.get(f.sessionId);
    if (!s) {
      s = { ws, name: f.room, room, userId: ws.user.id, sessionId: f.sessionId, meta: f.meta || {}, joinedAt: Date.now() };
      room.sessions.set(f.sessionId, s);
      ws.sessions.add(s);
      room.sockets.add(ws);
      broadcast(f.room, room, 'presence.join', presence(s));
    }
    Object.assign(s, { interval, deadline: Date.now() + 2 * interval });
    const snapshot = { seq: room.seq, sessions: [...room.sessions.values()].map(presence) };
    reply(ws, 'ack', f.id, { result: { room: f.room, sessionId: s.sessionId, interval, subscribed: true, snapshot } });
  },
  'presence.heartbeat'(ws, f, room, s) { // without an id, no reply
    s.deadline = Date.now() + 2 * s.interval;
    if (f.id !== undefined) reply(ws, 'ack', f.id, { result: { interval: s.interval } });
  },
  'presence.update'(ws, f, room, s) {
    s.meta = f.meta || {};
    broadcast(f.room, room, 'presence.update', { ...presence(s), change: 'meta' });
    reply(ws, 'ack', f.id, { result: { room: f.room, sessionId: s.sessionId } });
  },
  'presence.leave'(ws, f, room, s) { end(s, 'left'); reply(ws, 'ack', f.id, { result: { room: f.room } }); },
  publish(ws, f, room) {
    if (!room.sockets.has(ws)) return reply(ws, 'error', f.id, { code: 'forbidden', message: 'not in this room' });
    broadcast(f.room, room, 'message', { from: { userId: ws.user.id, name: ws.user.name }, body: f.data });
    reply(ws, 'ack', f.id, { result: { room: f.room, seq: room.seq } });
  },
};

const wss = new WebSocketServer({ noServer: true, maxPayload: 65536 });
wss.on('connection', (ws) => {
  ws.sessions = new Set();
  ws.on('message', (data) => {
    let f;
    try { f = JSON.parse(data); } catch { return reply(ws, 'error', undefined, { code: 'bad-json' }); }
    if (f.type === 'auth') {
      const c = claims(f.token);
      ws.user = { id: String(c.sub || 'anonymous'), name: String(c.name || c.sub || 'anonymous') };
      return reply(ws, 'welcome', f.id, { user: ws.user });
    }
    if (!ws.user) return ws.close(4401, 'authenticate first');
    const handler = handlers[f.type];
    if (!handler || typeof f.room !== 'string') return reply(ws, 'error', f.id, { code: handler ? 'invalid-frame' : 'unknown-type' });
    const room = roomOf(f.room);
    const s = room.sessions.get(f.sessionId);
    if (f.type.startsWith('presence.') && f.type !== 'presence.join' && (!s || s.ws !== ws)) {
      return reply(ws, 'error', f.id, { code: s ? 'presence-not-joined' : 'presence-expired' });
    }
    handler(ws, f, room, s);
  });
  ws.on('close', () => {
    for (const s of ws.sessions) end(s, 'left');
    for (const room of rooms.values()) room.sockets.delete(ws);
  });
});

setInterval(() => { // heartbeat expiry: a session that missed two intervals ends
  const now = Date.now();
  for (const room of rooms.values()) for (const s of room.sessions.values()) if (s.deadline < now) end(s, 'expired');
}, 1000);

for (const host of hosts) {
  const server = http.createServer((req, res) => res.writeHead(req.url === '/health/ready' ? 200 : 404).end());
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
  server.listen(port, host, () => console.log(`listening on ${host}:${port}`));
}
