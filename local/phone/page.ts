/**
 * http://localhost:8787/phone: the simulated phones a person answers by hand. Simplified Chinese with
 * English beside it; large text, strong contrast and big buttons for older eyes; real buttons and a
 * live region so it works by keyboard and with a screen reader; one column on a phone-sized screen.
 * It polls /phone/api/state and changes only the parts that changed, so typing and focus survive.
 */

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #ececec; color: #111;
  font: 22px/1.5 "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; }
.en { font-weight: 400; font-size: 0.8em; color: inherit; }
header { background: #0b3d91; color: #fff; padding: 14px 16px; }
header h1 { margin: 0; font-size: 1.45em; line-height: 1.25; }
header p { margin: 6px 0 0; }
.clock { font-size: 1.15em; font-weight: 700; }
.help { background: #fff; border: 2px solid #111; border-radius: 12px; padding: 10px 14px; margin: 12px; }
.help p { margin: 0; }
.help p + p { margin-top: 4px; }
footer { padding: 0 0 24px; }
.bar { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 12px; }
.offline { margin: 12px; padding: 10px 14px; background: #fff0f0; border: 3px solid #a40000; border-radius: 12px;
  font-weight: 700; }
main { display: grid; gap: 16px; padding: 0 12px 24px; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); }
@media (max-width: 720px) { main { grid-template-columns: 1fr; } body { font-size: 21px; } }
.phone { background: #fff; border: 3px solid #111; border-radius: 16px; padding: 14px; min-width: 0; }
.phone.contact { border-color: #0b3d91; }
.phone h2 { margin: 0 0 4px; font-size: 1.2em; line-height: 1.3; }
.who { display: inline-block; padding: 0 10px; border-radius: 8px; margin-right: 6px; font-size: 0.85em;
  background: #111; color: #fff; }
.contact .who { background: #0b3d91; }
.meta { margin: 0 0 10px; }
h3 { margin: 14px 0 6px; font-size: 1.05em; }
button { font: inherit; font-weight: 700; min-height: 60px; min-width: 64px; padding: 8px 18px;
  border: 3px solid #111; border-radius: 12px; background: #fff; color: #111; cursor: pointer; }
button:hover { background: #f1f1f1; }
button:focus-visible, input:focus-visible { outline: 5px solid #ff9f00; outline-offset: 3px; }
button:disabled { opacity: 0.55; cursor: default; }
button.go { background: #0a5c2b; border-color: #0a5c2b; color: #fff; }
button.go:hover { background: #08481f; }
button.stop { background: #a40000; border-color: #a40000; color: #fff; }
button.stop:hover { background: #800000; }
button.wide { width: 100%; }
.status { margin: 8px 0 0; font-weight: 700; }
.status:empty { margin: 0; }
.status.bad { color: #a40000; }
.call { border: 3px solid #111; border-radius: 12px; padding: 10px 12px; margin-top: 10px; }
.call.ringing { border: 5px solid #c40000; background: #fff3e0; }
.call.live { border: 5px solid #0a5c2b; background: #f0fff4; }
.call.ended { background: #f4f4f4; }
.call-title { margin: 0 0 8px; font-size: 1.15em; font-weight: 700; }
.prompt { margin: 8px 0; padding: 8px 12px; background: #e8efff; border-left: 8px solid #0b3d91;
  font-size: 1.05em; }
.row { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 10px; }
.row button { flex: 1 1 140px; }
.keypad { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; margin-top: 10px; }
.keypad button { min-height: 88px; padding: 4px; font-size: 1em; line-height: 1.2; }
.keypad .digit { display: block; font-size: 1.9em; line-height: 1.1; }
.keypad .key-en { display: block; }
#ringing { position: fixed; left: 0; right: 0; bottom: 0; z-index: 10; display: flex; flex-direction: column; gap: 8px;
  padding: 10px 12px; background: #c40000; box-shadow: 0 -4px 12px rgba(0, 0, 0, 0.35); }
#ringing[hidden] { display: none; }
#ringing button { width: 100%; background: #fff; color: #111; border-color: #fff; }
body.has-ringing footer { padding-bottom: 120px; }
.texts { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; max-height: 24em; overflow-y: auto; }
.texts li { padding: 8px 12px; border-radius: 12px; border: 2px solid #111; overflow-wrap: anywhere; }
.texts li.received { background: #fff; margin-right: 12%; }
.texts li.sent { background: #dff5e3; margin-left: 12%; }
.texts .when { display: block; font-size: 0.8em; font-weight: 700; }
.none { margin: 4px 0; color: #333; }
form.reply { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 10px; align-items: flex-end; }
form.reply label { flex: 1 1 100%; font-weight: 700; }
form.reply input { flex: 1 1 160px; min-width: 0; min-height: 60px; font: inherit; padding: 6px 12px;
  border: 3px solid #111; border-radius: 12px; }
form.reply button { flex: 0 0 auto; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
@media (prefers-reduced-motion: no-preference) {
  .call.ringing { animation: ring 1.2s ease-in-out infinite alternate; }
  @keyframes ring { from { background: #fff3e0; } to { background: #ffd9b3; } }
}
`;

/** The page's script: plain DOM, text set with textContent only (never HTML from the server). */
const SCRIPT = `
(function () {
  'use strict';
  var POLL_MS = 1500;
  var main = document.getElementById('phones');
  var clock = document.getElementById('clock');
  var totals = document.getElementById('totals');
  var offline = document.getElementById('offline');
  var planStatus = document.getElementById('plan-status');
  var announceCall = document.getElementById('announce-call');
  var announceText = document.getElementById('announce-text');
  var cards = new Map();
  var seenRinging = new Set();
  var seenTexts = null;
  var ringingBar = document.getElementById('ringing');
  var ringingKey = '';

  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'className') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }
  function bi(zh, en) {
    return el('span', null, zh + ' ', el('span', { className: 'en', lang: 'en', text: en }));
  }
  function hhmm(iso) {
    return new Date(iso).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' });
  }
  function post(path, body) {
    return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) { return { ok: r.ok, data: data }; });
      });
  }
  function problem(data) {
    var e = data && data.errors && data.errors[0];
    var text = e ? e.message : '出错了，请重试 / Something went wrong, please retry';
    if (data && data.nextWindowAt) text += '（下一时段 Next window: ' + data.nextWindowAt.slice(0, 16).replace('T', ' ') + '）';
    return text;
  }
  function say(card, text, bad) {
    card.status.textContent = text;
    card.status.className = 'status' + (bad ? ' bad' : '');
  }

  function buildCard(phone, index) {
    var id = 'phone-' + index;
    var isElder = phone.kind === 'elder';
    var section = el('section', { className: 'phone ' + phone.kind, 'aria-labelledby': id + '-title',
      'data-number': phone.number, 'data-kind': phone.kind, 'data-id': phone.id });
    var title = el('h2', { id: id + '-title', tabindex: '-1' },
      el('span', { className: 'who', text: isElder ? '老人 Elder' : '联系人 Contact' }), phone.name);
    section.appendChild(title);
    var where = (phone.village ? phone.village + ' · ' : '') + '手机 Phone ' + phone.masked;
    section.appendChild(el('p', { className: 'meta', text: where }));
    var card = { phone: phone, section: section, callsKey: null, textsKey: null };
    if (isElder) {
      section.appendChild(el('p', { className: 'meta' },
        '回访方式 Check-in by: ', phone.channel === 'sms' ? '短信 Text' : '电话 Call',
        phone.contactMasked ? ' · 联系人 Contact: ' + phone.contactMasked : ''));
      section.appendChild(el('button', { type: 'button', className: 'go wide', 'data-action': 'call-now' },
        bi('立即回访', 'Check in now')));
    }
    card.status = el('p', { className: 'status', role: 'status' });
    section.appendChild(card.status);
    section.appendChild(el('h3', null, bi('来电', 'Calls')));
    card.calls = el('div', { className: 'calls' });
    section.appendChild(card.calls);
    section.appendChild(el('h3', null, bi('短信', 'Texts')));
    card.texts = el('ol', { className: 'texts', 'aria-label': '短信 Texts' });
    section.appendChild(card.texts);
    var input = el('input', { id: id + '-reply', name: 'body', type: 'text', autocomplete: 'off', maxlength: '500',
      enterkeyhint: 'send' });
    var form = el('form', { className: 'reply' },
      el('label', { for: id + '-reply' }, bi('回复短信', 'Text back')), input,
      el('button', { type: 'submit' }, bi('发送', 'Send')));
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var body = input.value.trim();
      if (!body) { say(card, '请先输入短信内容 / Type a message first', true); input.focus(); return; }
      post('/phone/api/text', { from: phone.number, body: body }).then(function (r) {
        if (r.ok) { input.value = ''; say(card, '已发送 Sent', false); poll(); } else say(card, problem(r.data), true);
      });
    });
    section.appendChild(form);
    section.addEventListener('click', function (event) {
      var button = event.target.closest('button[data-action]');
      if (!button || !section.contains(button)) return;
      var action = button.getAttribute('data-action');
      var providerId = button.getAttribute('data-call');
      button.disabled = true;
      var done = function (r, okText) {
        button.disabled = false;
        if (r.ok) { if (okText) say(card, okText, false); poll(); } else say(card, problem(r.data), true);
      };
      if (action === 'call-now') {
        say(card, '正在开始回访… Starting the check-in…', false);
        post('/phone/api/call-now', { elderId: phone.id }).then(function (r) {
          done(r, phone.channel === 'sms' ? '已发出回访短信 Check-in text sent' : '正在拨打，请等来电 Calling now, wait for the ring');
        });
      } else if (action === 'answer') {
        post('/phone/api/answer', { providerId: providerId }).then(function (r) { done(r, '已接听 Answered'); });
      } else if (action === 'hangup') {
        post('/phone/api/hangup', { providerId: providerId }).then(function (r) { done(r, '已挂断 Hung up'); });
      } else if (action === 'press') {
        var digit = button.getAttribute('data-digit');
        post('/phone/api/press', { providerId: providerId, digit: digit }).then(function (r) { done(r, '已按 Pressed ' + digit); });
      }
    });
    return card;
  }

  var PURPOSE = { checkIn: ['平安回访', 'Check-in call'], notify: ['个案通知', 'Case alert call'] };
  var KEYS = [['1', '平安', 'Well'], ['2', '求助', 'Help'], ['0', '重听', 'Repeat']];

  function renderCall(call) {
    var purpose = PURPOSE[call.purpose] || PURPOSE.checkIn;
    var ringing = !call.answeredAt && !call.endedAt;
    var live = call.answeredAt && !call.endedAt;
    var box = el('div', { className: 'call ' + (ringing ? 'ringing' : live ? 'live' : 'ended') });
    var state = ringing ? bi('来电中', 'Ringing') : live ? bi('通话中', 'On the call') : bi('通话已结束', 'Call ended');
    box.appendChild(el('p', { className: 'call-title' }, state, ' · ' + purpose[0] + ' ' + purpose[1] + ' · ' + hhmm(call.at)));
    if (!ringing && call.prompts.length > 0) {
      box.appendChild(el('p', { className: 'meta' }, bi('语音提示', 'What the call said') , '：'));
      call.prompts.forEach(function (p) { box.appendChild(el('p', { className: 'prompt', text: p })); });
    }
    if (call.digits) box.appendChild(el('p', { className: 'meta' }, '已按 Pressed: ', el('strong', { text: call.digits })));
    if (ringing && call.manual) {
      box.appendChild(el('div', { className: 'row' },
        el('button', { type: 'button', className: 'go', 'data-action': 'answer', 'data-call': call.providerId }, bi('接听', 'Answer')),
        el('button', { type: 'button', className: 'stop', 'data-action': 'hangup', 'data-call': call.providerId }, bi('挂断', 'Hang up'))));
    } else if (live && call.manual) {
      var pad = el('div', { className: 'keypad', role: 'group', 'aria-label': '拨号键盘 Keypad' });
      KEYS.forEach(function (k) {
        pad.appendChild(el('button', { type: 'button', 'data-action': 'press', 'data-digit': k[0], 'data-call': call.providerId,
          'aria-label': k[0] + ' ' + k[1] + ' ' + k[2] },
          el('span', { className: 'digit', text: k[0] }), k[1], el('span', { className: 'en key-en', lang: 'en', text: k[2] })));
      });
      box.appendChild(pad);
      box.appendChild(el('div', { className: 'row' },
        el('button', { type: 'button', className: 'stop', 'data-action': 'hangup', 'data-call': call.providerId }, bi('挂断', 'Hang up'))));
    }
    return box;
  }

  function renderTexts(card, texts) {
    card.texts.textContent = '';
    if (texts.length === 0) { card.texts.appendChild(el('li', { className: 'none', text: '还没有短信 No texts yet' })); return; }
    texts.forEach(function (t) {
      var received = t.direction === 'out';
      card.texts.appendChild(el('li', { className: received ? 'received' : 'sent' },
        el('span', { className: 'when', text: (received ? '收到 Received' : '已发送 Sent') + ' · ' + hhmm(t.at) }), t.text));
    });
    card.texts.scrollTop = card.texts.scrollHeight;
  }

  /** A bar at the bottom while a phone rings, so a call is never missed on a small screen. */
  function renderRinging(state) {
    var ringing = state.calls.filter(function (c) { return c.manual && !c.answeredAt && !c.endedAt && cards.has(c.to); });
    var key = ringing.map(function (c) { return c.providerId; }).join(',');
    if (key === ringingKey) return;
    var hadFocus = ringingBar.contains(document.activeElement);
    ringingKey = key;
    ringingBar.textContent = '';
    ringingBar.hidden = ringing.length === 0;
    document.body.classList.toggle('has-ringing', ringing.length > 0);
    ringing.forEach(function (c) {
      var card = cards.get(c.to);
      var go = el('button', { type: 'button' }, '来电：' + card.phone.name + ' ', el('span', { className: 'en', lang: 'en', text: 'Incoming call: go to it' }));
      go.addEventListener('click', function () {
        card.section.scrollIntoView({ block: 'center' });
        var answer = card.calls.querySelector('button[data-action="answer"]');
        if (answer) answer.focus();
      });
      ringingBar.appendChild(go);
    });
    if (hadFocus) {
      var first = ringingBar.querySelector('button');
      if (first) first.focus();
    }
  }

  function update(state) {
    clock.textContent = state.clock;
    totals.textContent = '全部模拟通话 All simulated calls: ' + state.totals.calls + '（进行中 in progress ' +
      state.totals.callsInProgress + '）· 短信 Texts: ' + state.totals.texts;
    if (cards.size === 0) {
      var byNumber = {};
      state.phones.forEach(function (p) { byNumber[p.number] = p; });
      state.phones.forEach(function (p, i) {
        if (p.contactNumber && byNumber[p.contactNumber]) p.contactMasked = byNumber[p.contactNumber].name + ' ' + byNumber[p.contactNumber].masked;
        var card = buildCard(p, i);
        cards.set(p.number, card);
        main.appendChild(card.section);
      });
    }
    var firstTexts = seenTexts === null;
    if (firstTexts) seenTexts = new Set();
    cards.forEach(function (card, number) {
      var calls = state.calls.filter(function (c) { return c.to === number && (c.manual || c.endedAt); }).slice(-2).reverse();
      var callsKey = JSON.stringify(calls);
      if (callsKey !== card.callsKey) {
        var hadFocus = card.calls.contains(document.activeElement);
        card.callsKey = callsKey;
        card.calls.textContent = '';
        if (calls.length === 0) card.calls.appendChild(el('p', { className: 'none', text: '没有来电 No calls' }));
        calls.forEach(function (c) {
          card.calls.appendChild(renderCall(c));
          if (!c.answeredAt && !c.endedAt && c.manual && !seenRinging.has(c.providerId)) {
            seenRinging.add(c.providerId);
            announceCall.textContent = '来电：' + card.phone.name + ' 的手机。Incoming call to the phone of ' + card.phone.name + '.';
          }
        });
        if (hadFocus) {
          var next = card.calls.querySelector('button');
          if (next) next.focus(); else card.section.querySelector('h2').focus();
        }
      }
      var texts = state.texts.filter(function (t) { return t.phone === number; });
      var textsKey = texts.map(function (t) { return t.id; }).join(',');
      if (textsKey !== card.textsKey) {
        card.textsKey = textsKey;
        renderTexts(card, texts);
        texts.forEach(function (t) {
          if (seenTexts.has(t.id)) return;
          seenTexts.add(t.id);
          if (!firstTexts && t.direction === 'out') announceText.textContent = '新短信：' + card.phone.name + '。New text for ' + card.phone.name + ': ' + t.text;
        });
      }
    });
    renderRinging(state);
  }

  var polling = false;
  function poll() {
    if (polling) return;
    polling = true;
    fetch('/phone/api/state', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (state) { offline.hidden = true; update(state); })
      .catch(function () { offline.hidden = false; })
      .then(function () { polling = false; });
  }
  document.getElementById('plan-now').addEventListener('click', function (event) {
    var button = event.currentTarget;
    button.disabled = true;
    planStatus.textContent = '正在运行… Running…';
    post('/phone/api/plan-now', {}).then(function (r) {
      button.disabled = false;
      planStatus.textContent = r.ok
        ? '到期 Due ' + r.data.due + ' · 开始回访 Started ' + r.data.started + ' · 任务 Jobs ' + r.data.jobs
        : problem(r.data);
      poll();
    });
  });
  poll();
  setInterval(poll, POLL_MS);
})();
`;

/** The whole page; everything dynamic arrives as JSON and is set as text. */
export function phonePage(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>安心 模拟电话 · Anxin simulated phones</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>安心 模拟电话 <span class="en" lang="en">Anxin simulated phones</span></h1>
  <p>模拟时钟（北京时间）<span class="en" lang="en">Clock (China time)</span>：<span id="clock" class="clock">…</span></p>
</header>
<div id="offline" class="offline" role="alert" hidden>连接中断，正在重试 <span class="en" lang="en">Connection lost, retrying</span></div>
<div class="help">
  <p>按「立即回访」给老人打电话。响铃时按「接听」，再按键：<strong>1 平安</strong>，<strong>2 求助</strong>，0 重听。按 2 后联系人会收到短信，回复短信里的四位数字即确认跟进。</p>
  <p class="en" lang="en">"Check in now" calls the elder. Answer, then press 1 (well), 2 (help) or 0 (repeat). After 2 the contact gets a text; replying with its 4-digit code acknowledges.</p>
</div>
<main id="phones" aria-label="模拟手机 Simulated phones"></main>
<footer>
  <p id="totals" class="bar"></p>
  <div class="bar">
    <button type="button" id="plan-now">立即运行计划 <span class="en" lang="en">Run planner now</span></button>
    <span id="plan-status" role="status"></span>
  </div>
</footer>
<div id="ringing" role="region" aria-label="来电 Incoming calls" hidden></div>
<div id="announce-call" class="sr-only" aria-live="assertive" aria-atomic="true"></div>
<div id="announce-text" class="sr-only" aria-live="polite" aria-atomic="true"></div>
<script>${SCRIPT}</script>
</body>
</html>`;
}
