// smsc.js is a small SMSC for hookline's SMPP tests, built on the npm
// package "smpp" (node-smpp). It accepts binds with a fixed system_id and
// password, answers enquire_link and submit_sm, records every submit as a
// JSON line, sends delivery receipts, and has magic destinations:
//
//   15005550999  submit_sm_resp ESME_RINVDSTADR (0x0B)
//   15005550998  accepted, receipt stat:UNDELIV err:001
//   15005550888  ESME_RTHROTTLED the first --throttle-n times (default 2)
//   15005550777  receipt sent before the submit_sm_resp
//   15005550666  receipt sent after --late-ms (default 1500), to whichever
//                receiving bind is up then (queued while none is)
//   15005550444  receipt with a decimal text id and no receipted_message_id
//
// Usage: node smsc.js --port 2775 --record submits.jsonl
//          [--system-id hook --password secret] [--receipt-ms 0]
// It prints "listening <port>" when ready. Lines on stdin inject
// mobile-originated texts: {"from":"+1555","to":"12345","text":"STOP",
// "parts":1,"ucs2":false}.
'use strict';

const fs = require('fs');
const readline = require('readline');
const smpp = require('smpp');
const defs = require('smpp/lib/defs');

// Keep submit_sm short_message as raw bytes: we record them exactly.
delete defs.commands.submit_sm.params.short_message.filter;

function arg(name, def) {
  const i = process.argv.indexOf('--' + name);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  const env = process.env['SMSC_' + name.toUpperCase().replace(/-/g, '_')];
  return env !== undefined ? env : def;
}

const port = Number(arg('port', 2775));
const systemID = arg('system-id', 'hook');
const password = arg('password', 'secret');
const receiptMs = Number(arg('receipt-ms', 0));
const lateMs = Number(arg('late-ms', 1500));
const throttleN = Number(arg('throttle-n', 2));
const record = fs.openSync(arg('record', '/dev/null'), 'a');

let counter = 0;
const idBase = BigInt(Date.now()) << 20n; // unique across restarts
const throttled = {};
const sessions = new Set(); // bound sessions that can receive
let queued = [];            // receipts waiting for a receiving bind

function receiver(preferred) {
  if (preferred && preferred.canReceive && !preferred.closed) return preferred;
  for (const s of sessions) if (!s.closed) return s;
  return null;
}

function deliver(pdu, preferred) {
  const s = receiver(preferred);
  if (!s) { queued.push(pdu); return; }
  s.send(new smpp.PDU('deliver_sm', pdu));
}

function stamp(d) {
  const p = (n) => String(n).padStart(2, '0');
  return p(d.getUTCFullYear() % 100) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) + p(d.getUTCHours()) + p(d.getUTCMinutes());
}

function receiptFor(sub, idHex, stat, err, opts) {
  const now = stamp(new Date());
  const textID = opts.decimal ? BigInt('0x' + idHex).toString(10) : idHex;
  const text = `id:${textID} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${now} done date:${now} stat:${stat} err:${err} text:`;
  const pdu = {
    source_addr_ton: sub.dest_addr_ton, source_addr_npi: sub.dest_addr_npi, source_addr: sub.destination_addr,
    dest_addr_ton: sub.source_addr_ton, dest_addr_npi: sub.source_addr_npi, destination_addr: sub.source_addr,
    esm_class: 0x04, data_coding: 0, short_message: Buffer.from(text, 'latin1'),
  };
  if (!opts.decimal) pdu.receipted_message_id = idHex;
  return pdu;
}

function decodeSM(sub) {
  let sm = Buffer.isBuffer(sub.short_message) ? sub.short_message : Buffer.alloc(0);
  let udh = Buffer.alloc(0);
  if (sub.esm_class & 0x40 && sm.length > 0) {
    udh = sm.slice(0, sm[0] + 1);
    sm = sm.slice(sm[0] + 1);
  }
  let text;
  if ((sub.data_coding & 0x0f) === 0x08) text = defs.encodings.UCS2.decode(sm);
  else text = defs.gsmCoder.decode(sm, 0x00);
  return { udh, body: sm, text };
}

function onSubmit(session, pdu) {
  const dst = pdu.destination_addr;
  if (dst === '15005550999') {
    session.send(pdu.response({ command_status: smpp.ESME_RINVDSTADR }));
    return;
  }
  if (dst === '15005550888' && (throttled[dst] = (throttled[dst] || 0) + 1) <= throttleN) {
    session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
    return;
  }
  const idHex = (idBase + BigInt(++counter)).toString(16).toUpperCase();
  const { udh, body, text } = decodeSM(pdu);
  fs.writeSync(record, JSON.stringify({
    id: idHex, dst, src: pdu.source_addr, dc: pdu.data_coding, esm: pdu.esm_class,
    rd: pdu.registered_delivery, udh: udh.toString('hex'), sm: body.toString('hex'), text,
  }) + '\n');
  const stat = dst === '15005550998' ? 'UNDELIV' : 'DELIVRD';
  const err = stat === 'DELIVRD' ? '000' : '001';
  const receipt = receiptFor(pdu, idHex, stat, err, { decimal: dst === '15005550444' });
  const resp = pdu.response({ message_id: idHex });
  if (dst === '15005550777') {
    deliver(receipt, session);
    setTimeout(() => session.send(resp), 100);
    return;
  }
  session.send(resp);
  if (!(pdu.registered_delivery & 1)) return;
  if (dst === '15005550666') setTimeout(() => deliver(receipt, null), lateMs);
  else if (receiptMs > 0) setTimeout(() => deliver(receipt, session), receiptMs);
  else setImmediate(() => deliver(receipt, session));
}

function onBind(session, pdu, canReceive, canSend) {
  if (pdu.system_id !== systemID || pdu.password !== password) {
    session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
    session.close();
    return;
  }
  session.send(pdu.response({ system_id: 'smsc-js' }));
  session.canReceive = canReceive;
  session.canSend = canSend;
  if (canReceive) {
    sessions.add(session);
    const q = queued;
    queued = [];
    for (const r of q) deliver(r, session);
  }
}

const server = smpp.createServer({}, (session) => {
  session.on('error', () => {});
  session.on('close', () => sessions.delete(session));
  session.on('bind_transceiver', (pdu) => onBind(session, pdu, true, true));
  session.on('bind_transmitter', (pdu) => onBind(session, pdu, false, true));
  session.on('bind_receiver', (pdu) => onBind(session, pdu, true, false));
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => { session.send(pdu.response()); session.close(); });
  session.on('submit_sm', (pdu) => {
    if (!session.canSend) {
      session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
      return;
    }
    onSubmit(session, pdu);
  });
});

// injectMO sends a mobile-originated text, split into parts with an 8-bit
// concatenation UDH when asked.
let moRef = 0;
function injectMO(line) {
  let m;
  try { m = JSON.parse(line); } catch (e) { return; }
  const ucs2 = !!m.ucs2;
  const data = ucs2 ? defs.encodings.UCS2.encode(m.text) : defs.gsmCoder.encode(m.text, 0x00);
  const parts = Math.max(1, m.parts || 1);
  const unit = ucs2 ? 2 : 1;
  const per = Math.ceil(data.length / unit / parts) * unit;
  const ref = ++moRef & 0xff;
  for (let i = 0; i < parts; i++) {
    let sm = data.slice(i * per, (i + 1) * per);
    if (parts > 1) sm = Buffer.concat([Buffer.from([5, 0, 3, ref, parts, i + 1]), sm]);
    deliver({
      source_addr_ton: 1, source_addr_npi: 1, source_addr: m.from.replace(/^\+/, ''),
      dest_addr_ton: 0, dest_addr_npi: 1, destination_addr: m.to,
      esm_class: parts > 1 ? 0x40 : 0, data_coding: ucs2 ? 8 : 0, short_message: sm,
    }, null);
  }
}

readline.createInterface({ input: process.stdin }).on('line', injectMO);
server.on('error', (e) => { console.error('smsc: ' + e.message); process.exit(1); });
server.listen(port, '127.0.0.1', () => console.log('listening ' + server.address().port));
