/*!
 * Parley web-chat widget. Plain JavaScript, no build step, no dependencies.
 *
 * Embed with one line:
 *   <script src="https://HOST/widget.js" data-channel="ch_xxx" async></script>
 *
 * The server base URL is derived from this script's own src; the channel id comes from
 * data-channel. Everything the widget adds to the page lives under one element
 * (.parley-root) and every CSS class starts with "parley-". There is deliberately no shadow
 * root, so tests (and host pages) reach the elements directly through these stable hooks:
 *   [data-parley="root"]      the container appended to <body>
 *   [data-parley="launcher"]  the round chat button (bottom-right); aria-expanded mirrors the window
 *   [data-parley="badge"]     unread count on the launcher (hidden when 0)
 *   [data-parley="window"]    the chat window (display:none while closed; data-open="true|false")
 *   [data-parley="close"]     the minimise button in the window header
 *   [data-parley="email"]     the envelope button in the window header ("Get replies by email"): opens
 *                             the email form at any time; aria-expanded mirrors the form;
 *                             data-state="saved" once an address is saved, else "none"
 *   [data-parley="notify"]    the notifications (bell) button in the window header; hidden unless
 *                             this browser can take Web Push on this page (see Notifications below);
 *                             data-state="off|asking|on|failed"
 *   [data-parley="status"]    status line; data-state="connecting|connected|reconnecting|unavailable|misconfigured"
 *   [data-parley="notice"]    a short message under the status line (why notifications could not be
 *                             turned on, ...); hidden when empty, clears itself after a few seconds
 *   [data-parley="messages"]  the message list (<ol>), in message-id order, unsent messages last
 *   [data-parley="message"]   one message (<li>): data-direction="inbound|outbound" (inbound = from
 *                             the visitor, as in the protocol), data-id once the server assigned one,
 *                             data-client-id for the visitor's own messages,
 *                             data-state="sending|sent|failed|received"
 *   [data-parley="text"]      the message text inside a message (always set with textContent)
 *   [data-parley="input"]     the <textarea>; Enter sends, Shift+Enter inserts a newline
 *   [data-parley="send"]      the send button
 *   [data-parley="email-form"]  the email form (a <form> above the composer; hidden while closed;
 *                             data-mode="required|optional|leave", see Email below)
 *   [data-parley="email-input"] its email field; [data-parley="name-input"] its optional name field
 *   [data-parley="email-save"]  its submit button
 *   [data-parley="email-skip"]  its secondary button: "Skip" on the optional pre-chat form, "Cancel"
 *                             when opened from the header; hidden on the required pre-chat form
 *   [data-parley="email-error"] why the address was not saved: the server's reason, which starts
 *                             with the field ("email: ..." / "name: ..."), or a network problem;
 *                             hidden when empty
 *   [data-parley="email-saved"] the confirmation under the messages while an address is saved and
 *                             the form is closed ("We'll email you at ana@example.com if you leave.")
 *
 * Script API: window.Parley = { open(), close(), toggle(), send(text), state }, where state is
 * a fresh snapshot on every read: { channelId, baseUrl, open, connection, transport, visitorId,
 * lastSeen, messages, pending, notifications, email }; notifications is the notify button's
 * data-state, or "unavailable" while the button is hidden; email is the address the visitor saved in
 * this browser, or null. While the required pre-chat form is open, send() returns false.
 *
 * Email: the visitor can leave an address so that a reply that finds them gone (tab closed) is
 * mailed to them, with a link back to the chat (POST /widget/<channelId>/contact; parleyd needs
 * PARLEY_SMTP_URL). The envelope button opens the form at any time ("leave a message"). A site
 * can also ask before the chat starts:
 *   <script src="https://PARLEY_HOST/widget.js" data-channel="ch_xxx" data-pre-chat="email" async></script>
 * data-pre-chat="email": a new visitor must save an address before the composer can be used;
 * data-pre-chat="optional": the form is shown with a Skip button, and the composer works meanwhile.
 * Without the attribute there is no pre-chat form. Either way the form is only put in front of a
 * visitor with no conversation yet, who has not saved (or skipped) it in this browser and did not
 * come by a reopen link (the reply email was sent to them, so they gave an address).
 *
 * Notifications: the bell button appears when the browser has service workers, PushManager and
 * Notification, notifications are not blocked for the site, parleyd has Web Push set up
 * (GET /widget/push-key answers) and a service worker of the page's own origin is available.
 * A click asks for permission, registers the worker, subscribes the browser and sends the
 * subscription to parleyd; on later visits with permission already granted this is repeated
 * without asking. The worker is parleyd's /widget-sw.js when the page comes from parleyd itself.
 * A site embedding the widget from another origin serves a worker of its own and names it:
 *   <script src="https://PARLEY_HOST/widget.js" data-channel="ch_xxx"
 *           data-service-worker="/parley-sw.js" async></script>
 * where /parley-sw.js (on the site's origin) holds the one line
 *   importScripts('https://PARLEY_HOST/widget-sw.js');
 * A site that already has a service worker adds that line to it and names that worker instead:
 * a second worker registered at the same scope would replace the first. Without either, the
 * button stays hidden.
 *
 * Reopen link: a page URL with the fragment #parley-token=<visitor token> (the offline-reply
 * email links to <parleyd>/chat/<channelId>#parley-token=...) makes the widget take that token as
 * this channel's visitor, replacing any other, open the chat, and remove the fragment from the
 * address bar.
 *
 * localStorage keys (per channel): parley.<channelId>.token, .lastSeen, .open, .history (the last
 * 200 rendered messages, so a returning visitor sees the conversation before resuming after
 * lastSeen), .outbox (messages typed but not yet accepted by the server), .contact (the saved
 * {email, name}) and .preChat ("skipped" once the optional pre-chat form was skipped). A different
 * visitor token (a reopen link, or a token the server no longer knows) forgets .contact and .preChat.
 *
 * Security: message text, names, addresses and server reasons only ever reach the DOM through
 * textContent; the widget never assigns innerHTML (icons are built with createElementNS).
 */
(function () {
  'use strict';

  if (window.Parley && window.Parley.__parley) return; // embedded twice: keep the first one

  // ---------------------------------------------------------------------------------------------
  // Configuration from the script tag

  const script = document.currentScript
    || document.querySelector('script[src$="widget.js"][data-channel]')
    || document.querySelector('script[src$="widget.js"]')
    || document.querySelector('script[src*="widget.js"]');
  if (!script) {
    console.error('[parley] cannot find the widget <script> tag');
    return;
  }
  const channelId = (script.getAttribute('data-channel') || '').trim();
  const baseURL = new URL('.', script.src || window.location.href); // directory of widget.js, with trailing slash
  const configured = /^[A-Za-z0-9_.:-]{1,128}$/.test(channelId);
  const preChatAttribute = (script.getAttribute('data-pre-chat') || '').trim().toLowerCase();
  /** The pre-chat form's mode: 'required' (data-pre-chat="email"), 'optional', or null (none). */
  const preChat = preChatAttribute === 'email' ? 'required' : (preChatAttribute === 'optional' ? 'optional' : null);
  if (preChatAttribute && !preChat) console.warn('[parley] data-pre-chat must be "email" or "optional", not:', preChatAttribute);

  const HISTORY_LIMIT = 200;
  const POLL_INTERVAL_MS = 3000;
  const BACKOFF_MIN_MS = 500;
  const BACKOFF_MAX_MS = 10000;
  const CONNECT_TIMEOUT_MS = 10000;
  const ACK_TIMEOUT_MS = 10000;
  const MAX_TEXT = 10000;

  function endpoint(path) {
    return new URL(path, baseURL).href;
  }
  const chanPath = 'widget/' + encodeURIComponent(channelId);
  const sessionURL = endpoint(chanPath + '/session');
  const contactURL = endpoint(chanPath + '/contact');
  const hooksURL = endpoint('hooks/' + encodeURIComponent(channelId));
  function messagesURL(after) { return endpoint(chanPath + '/messages?after=' + encodeURIComponent(after)); }
  function socketURL(token) {
    const url = new URL(chanPath + '/ws', baseURL);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = '?token=' + encodeURIComponent(token);
    return url.href;
  }

  // ---------------------------------------------------------------------------------------------
  // Storage (localStorage can throw: privacy modes, sandboxed frames, quota)

  const memoryStore = {};
  const keyPrefix = 'parley.' + channelId + '.';
  const store = {
    get(name) {
      try { return window.localStorage.getItem(keyPrefix + name); } catch (_) { return memoryStore[name] ?? null; }
    },
    set(name, value) {
      try { window.localStorage.setItem(keyPrefix + name, value); } catch (_) { memoryStore[name] = value; }
    },
    remove(name) {
      try { window.localStorage.removeItem(keyPrefix + name); } catch (_) { delete memoryStore[name]; }
    },
    json(name, fallback) {
      try { const raw = this.get(name); return raw ? JSON.parse(raw) : fallback; } catch (_) { return fallback; }
    },
  };

  // ---------------------------------------------------------------------------------------------
  // Reopen link: #parley-token=<visitor token>

  /**
   * Takes the token out of the URL fragment and out of the address bar: it is a credential, and
   * should not stay in view, in a bookmark or in a link copied from the address bar. Other
   * parts of the fragment (joined with &) are left as they were.
   */
  function takeHandedToken() {
    const hash = window.location.hash || '';
    if (hash.indexOf('parley-token=') < 0) return null;
    let handed = null;
    const rest = [];
    for (const part of hash.slice(1).split('&')) {
      if (part.startsWith('parley-token=')) {
        if (handed === null) {
          try { handed = decodeURIComponent(part.slice('parley-token='.length)).trim(); } catch (_) { handed = ''; }
        }
      } else if (part) {
        rest.push(part);
      }
    }
    try {
      const url = window.location.pathname + window.location.search + (rest.length ? '#' + rest.join('&') : '');
      window.history.replaceState(window.history.state, '', url);
    } catch (_) { /* a sandboxed frame: the fragment stays, the token is still taken */ }
    return handed && handed.length <= 4096 ? handed : null;
  }

  let arrivedByLink = false; // no pre-chat form for them: the link came in the email they gave
  {
    const handed = takeHandedToken();
    if (handed && configured) {
      // The visitor came from the link in a reply email, maybe on another device: continue
      // their conversation here. A different visitor's copy of the thread must not show under
      // it; unsent messages stay, as when a stored token is replaced by the server.
      if (store.get('token') !== handed) {
        store.remove('history');
        store.remove('lastSeen');
        store.remove('contact');
        store.remove('preChat');
        store.set('token', handed);
      }
      store.set('open', '1');
      arrivedByLink = true;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // State

  let token = store.get('token') || null;
  let visitorId = null;
  let lastSeen = Math.max(0, Number(store.get('lastSeen')) || 0);
  let isOpen = store.get('open') === '1';
  let connection = 'connecting';
  let unread = 0;
  /** The address (and name) this visitor saved with parleyd from this browser, or null. */
  let contact = readContact();
  /** The email form: null while closed, else 'required' | 'optional' (pre-chat) | 'leave' (header). */
  let emailFormMode = null;
  let contactInFlight = false;

  /** id (number) -> entry, for every message that has a server id */
  const byId = new Map();
  /** clientId -> entry, for the visitor's own messages sent from this browser */
  const byClientId = new Map();

  let ws = null;
  let socketGeneration = 0;
  let socketOpenedAt = 0;
  let connectTimer = null;
  let reconnectTimer = null;
  let reconnectAttempts = 0;
  let pollTimer = null;
  let pollInFlight = false;
  let sessionInFlight = null;
  let sessionChecked = false;
  let saveTimer = null;
  let suspended = false; // the page sits in the back/forward cache (see suspend)

  // ---------------------------------------------------------------------------------------------
  // Helpers

  function el(tag, className, attrs) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (attrs) for (const name in attrs) node.setAttribute(name, attrs[name]);
    return node;
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';
  function icon(paths, className) {
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    if (className) svg.setAttribute('class', className);
    for (const d of paths) {
      const path = document.createElementNS(SVG_NS, 'path');
      path.setAttribute('d', d);
      svg.appendChild(path);
    }
    return svg;
  }
  const ICON_CHAT = ['M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6A.5.5 0 0 1 5 19.2V16h-.5A2.5 2.5 0 0 1 2 13.5z'];
  const ICON_CLOSE = ['M6 6l12 12', 'M18 6L6 18'];
  const ICON_MINIMISE = ['M6 9l6 6 6-6'];
  const ICON_SEND = ['M4 12l16-8-6 16-2.5-6.5z', 'M11.5 13.5L20 4'];
  const ICON_MAIL = ['M4.5 5h15A1.5 1.5 0 0 1 21 6.5v11a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5v-11A1.5 1.5 0 0 1 4.5 5z', 'M3.5 6.5l8.5 6.5 8.5-6.5'];
  const ICON_BELL = ['M6 9a6 6 0 0 1 12 0c0 6.5 2.5 8 2.5 8h-17S6 15.5 6 9z', 'M10.2 20.5a2 2 0 0 0 3.6 0'];

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
    else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
  const dateTimeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  function formatTime(iso) {
    const date = new Date(iso);
    if (isNaN(date.getTime())) return '';
    return date.toDateString() === new Date().toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
  }

  function messageText(m) {
    if (typeof m.text === 'string' && m.text !== '') return m.text;
    const content = m.content || {};
    if (typeof content.text === 'string') return content.text;
    if (content.type) return '[' + content.type + ']';
    return '';
  }

  function readContact() {
    const saved = store.json('contact', null);
    if (!saved || typeof saved.email !== 'string' || !saved.email) return null;
    return { email: saved.email, name: typeof saved.name === 'string' ? saved.name : '' };
  }

  async function readError(response) {
    try {
      const body = await response.json();
      if (body && typeof body.error === 'string') return body.error;
    } catch (_) { /* not JSON */ }
    return 'HTTP ' + response.status;
  }

  // ---------------------------------------------------------------------------------------------
  // Styles (everything scoped under .parley-root)

  const CSS = `
.parley-root{--parley-accent:#4f46e5;--parley-accent-dark:#4338ca;--parley-fg:#111827;--parley-muted:#6b7280;--parley-bg:#ffffff;--parley-agent:#f1f2f6;--parley-border:#e5e7eb;
  position:fixed;right:20px;bottom:20px;z-index:2147483000;font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--parley-fg);
  -webkit-font-smoothing:antialiased;text-align:left;letter-spacing:normal;text-transform:none}
.parley-root *,.parley-root *::before,.parley-root *::after{box-sizing:border-box}
.parley-root button{font:inherit;margin:0;cursor:pointer;-webkit-appearance:none;appearance:none}
.parley-root svg{display:block;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.parley-root .parley-launcher{position:relative;width:60px;height:60px;border-radius:50%;border:0;padding:0;background:var(--parley-accent);color:#fff;
  display:flex;align-items:center;justify-content:center;box-shadow:0 8px 24px rgba(17,24,39,.22),0 2px 6px rgba(17,24,39,.12);
  transition:transform .18s ease,background-color .18s ease;margin-left:auto}
.parley-root .parley-launcher:hover{background:var(--parley-accent-dark);transform:translateY(-1px) scale(1.04)}
.parley-root .parley-launcher:focus-visible,.parley-root .parley-close:focus-visible,.parley-root .parley-send:focus-visible{outline:3px solid rgba(79,70,229,.45);outline-offset:2px}
.parley-root .parley-launcher svg{width:28px;height:28px;transition:transform .2s ease,opacity .2s ease}
.parley-root .parley-launcher .parley-icon-chat{fill:rgba(255,255,255,.18)}
.parley-root .parley-launcher .parley-icon-close{position:absolute;opacity:0;transform:rotate(-90deg)}
.parley-root.parley-is-open .parley-launcher .parley-icon-chat{opacity:0;transform:rotate(90deg)}
.parley-root.parley-is-open .parley-launcher .parley-icon-close{opacity:1;transform:none}
.parley-root .parley-badge{position:absolute;top:-3px;right:-3px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#ef4444;color:#fff;
  font-size:12px;font-weight:700;line-height:20px;text-align:center;box-shadow:0 0 0 2px #fff}
.parley-root .parley-badge[hidden]{display:none}
.parley-root .parley-window{display:none;flex-direction:column;position:absolute;right:0;bottom:76px;width:370px;height:560px;max-height:calc(100vh - 120px);
  background:var(--parley-bg);border-radius:16px;overflow:hidden;box-shadow:0 24px 60px rgba(17,24,39,.25),0 4px 14px rgba(17,24,39,.1);border:1px solid rgba(17,24,39,.06)}
.parley-root.parley-is-open .parley-window{display:flex}
.parley-root.parley-animate.parley-is-open .parley-window{animation:parley-pop .2s ease-out}
@keyframes parley-pop{from{opacity:0;transform:translateY(12px) scale(.98)}to{opacity:1;transform:none}}
.parley-root .parley-header{display:flex;align-items:center;gap:12px;padding:16px 14px 16px 18px;color:#fff;
  background:linear-gradient(135deg,var(--parley-accent) 0%,var(--parley-accent-dark) 100%)}
.parley-root .parley-avatar{flex:none;width:38px;height:38px;border-radius:50%;background:rgba(255,255,255,.18);display:flex;align-items:center;justify-content:center}
.parley-root .parley-avatar svg{width:20px;height:20px;fill:rgba(255,255,255,.25)}
.parley-root .parley-heading{flex:1;min-width:0}
.parley-root .parley-title{margin:0;font-size:16px;font-weight:650;line-height:1.25;color:#fff}
.parley-root .parley-status{display:flex;align-items:center;gap:6px;margin-top:2px;font-size:12.5px;color:rgba(255,255,255,.85)}
.parley-root .parley-dot{width:8px;height:8px;border-radius:50%;background:#fbbf24;box-shadow:0 0 0 2px rgba(255,255,255,.25)}
.parley-root .parley-status[data-state="connected"] .parley-dot{background:#34d399}
.parley-root .parley-status[data-state="reconnecting"] .parley-dot,.parley-root .parley-status[data-state="connecting"] .parley-dot{animation:parley-blink 1.2s ease-in-out infinite}
.parley-root .parley-status[data-state="unavailable"] .parley-dot,.parley-root .parley-status[data-state="misconfigured"] .parley-dot{background:#f87171}
@keyframes parley-blink{50%{opacity:.35}}
.parley-root .parley-close,.parley-root .parley-notify,.parley-root .parley-mail{flex:none;width:34px;height:34px;border-radius:50%;border:0;padding:0;background:transparent;color:#fff;display:flex;align-items:center;justify-content:center}
.parley-root .parley-close:hover,.parley-root .parley-notify:hover,.parley-root .parley-mail:hover{background:rgba(255,255,255,.16)}
.parley-root .parley-mail svg{width:18px;height:18px}
.parley-root .parley-mail[data-state="saved"] svg{fill:rgba(255,255,255,.3)}
.parley-root .parley-mail[hidden]{display:none}
.parley-root .parley-mail:focus-visible{outline:3px solid rgba(255,255,255,.6);outline-offset:1px}
.parley-root .parley-close svg{width:20px;height:20px}
.parley-root .parley-notify{position:relative}
.parley-root .parley-notify[hidden],.parley-root .parley-notice[hidden]{display:none}
.parley-root .parley-notify svg{width:18px;height:18px}
.parley-root .parley-notify[data-state="on"] svg{fill:currentColor}
.parley-root .parley-notify[data-state="asking"] svg{animation:parley-blink 1.2s ease-in-out infinite}
.parley-root .parley-notify[data-state="failed"]::after{content:"";position:absolute;top:6px;right:6px;width:8px;height:8px;border-radius:50%;background:#f87171;box-shadow:0 0 0 2px var(--parley-accent)}
.parley-root .parley-notify:focus-visible{outline:3px solid rgba(255,255,255,.6);outline-offset:1px}
.parley-root .parley-notice{margin-top:3px;font-size:12px;line-height:1.35;color:#fff;opacity:.95}
.parley-root .parley-notice[data-kind="error"]{color:#fde68a}
.parley-root .parley-body{flex:1;overflow-y:auto;padding:16px 14px 8px;background:#fafafb;overscroll-behavior:contain}
.parley-root .parley-welcome{margin:0 auto 14px;max-width:88%;padding:10px 14px;border-radius:12px;background:#fff;border:1px solid var(--parley-border);
  color:var(--parley-muted);font-size:13px;text-align:center}
.parley-root .parley-messages{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:8px}
.parley-root .parley-msg{display:flex;flex-direction:column;max-width:80%;margin:0;padding:0}
.parley-root .parley-msg-inbound{align-self:flex-end;align-items:flex-end}
.parley-root .parley-msg-outbound{align-self:flex-start;align-items:flex-start}
.parley-root .parley-bubble{padding:9px 13px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;font-size:14px;line-height:1.45}
.parley-root .parley-msg-inbound .parley-bubble{background:var(--parley-accent);color:#fff;border-bottom-right-radius:5px}
.parley-root .parley-msg-outbound .parley-bubble{background:var(--parley-agent);color:var(--parley-fg);border-bottom-left-radius:5px}
.parley-root .parley-msg[data-state="sending"] .parley-bubble{opacity:.65}
.parley-root .parley-msg[data-state="failed"] .parley-bubble{background:#fee2e2;color:#991b1b}
.parley-root .parley-meta{margin-top:3px;padding:0 4px;font-size:11px;color:var(--parley-muted)}
.parley-root .parley-retry{border:0;background:none;padding:0;color:#b91c1c;font-size:11px;text-decoration:underline}
.parley-root .parley-composer{display:flex;align-items:flex-end;gap:8px;margin:0;padding:10px 12px;border-top:1px solid var(--parley-border);background:#fff}
.parley-root .parley-input{flex:1;min-height:40px;max-height:120px;margin:0;padding:9px 14px;border:1px solid var(--parley-border);border-radius:20px;resize:none;overflow-y:auto;
  font:inherit;font-size:14px;line-height:20px;color:var(--parley-fg);background:#f9fafb;outline:none;box-shadow:none}
.parley-root .parley-input:focus{border-color:var(--parley-accent);background:#fff;box-shadow:0 0 0 3px rgba(79,70,229,.15)}
.parley-root .parley-input::placeholder{color:#9ca3af}
.parley-root .parley-send{flex:none;width:40px;height:40px;border-radius:50%;border:0;padding:0;background:var(--parley-accent);color:#fff;display:flex;align-items:center;justify-content:center;
  transition:background-color .15s ease,opacity .15s ease}
.parley-root .parley-send:hover{background:var(--parley-accent-dark)}
.parley-root .parley-input:placeholder-shown + .parley-send{opacity:.45}
.parley-root .parley-send svg{width:18px;height:18px}
.parley-root .parley-email{display:flex;flex-direction:column;gap:8px;margin:0;padding:12px 14px;border-top:1px solid var(--parley-border);background:#fff}
.parley-root .parley-email[hidden],.parley-root .parley-email-error[hidden],.parley-root .parley-email-skip[hidden],.parley-root .parley-email-saved[hidden]{display:none}
.parley-root .parley-email-title{margin:0;font-size:14px;font-weight:650;color:var(--parley-fg)}
.parley-root .parley-email-hint{margin:-4px 0 0;font-size:12.5px;color:var(--parley-muted)}
.parley-root .parley-field{display:flex;flex-direction:column;gap:3px;margin:0;font-size:12px;font-weight:600;color:var(--parley-muted)}
.parley-root .parley-field input{width:100%;height:36px;margin:0;padding:0 12px;border:1px solid var(--parley-border);border-radius:10px;font:inherit;font-size:14px;font-weight:400;
  color:var(--parley-fg);background:#f9fafb;outline:none;box-shadow:none}
.parley-root .parley-field input:focus{border-color:var(--parley-accent);background:#fff;box-shadow:0 0 0 3px rgba(79,70,229,.15)}
.parley-root .parley-field input[aria-invalid="true"]{border-color:#dc2626}
.parley-root .parley-email-error{margin:0;font-size:12.5px;color:#b91c1c;overflow-wrap:anywhere}
.parley-root .parley-email-actions{display:flex;justify-content:flex-end;gap:8px}
.parley-root .parley-email-skip,.parley-root .parley-email-save{height:34px;padding:0 16px;border-radius:17px;font-size:13.5px;font-weight:600}
.parley-root .parley-email-skip{border:1px solid var(--parley-border);background:#fff;color:var(--parley-fg)}
.parley-root .parley-email-skip:hover{background:#f3f4f6}
.parley-root .parley-email-save{border:0;background:var(--parley-accent);color:#fff}
.parley-root .parley-email-save:hover{background:var(--parley-accent-dark)}
.parley-root .parley-email-save:disabled{opacity:.6;cursor:progress}
.parley-root .parley-email-skip:focus-visible,.parley-root .parley-email-save:focus-visible{outline:3px solid rgba(79,70,229,.45);outline-offset:2px}
.parley-root .parley-email-saved{padding:7px 14px;border-top:1px solid var(--parley-border);background:#f5f5ff;font-size:12px;color:var(--parley-muted);overflow-wrap:anywhere}
.parley-root .parley-input:disabled,.parley-root .parley-send:disabled{cursor:not-allowed;opacity:.45}
.parley-root .parley-footer{padding:0 0 8px;background:#fff;text-align:center;font-size:11px;color:#9ca3af}
@media (max-width:480px){
  .parley-root{right:12px;bottom:12px}
  .parley-root.parley-is-open{left:0;right:0;top:0;bottom:0}
  .parley-root.parley-is-open .parley-launcher{display:none}
  .parley-root .parley-window{position:fixed;inset:0;width:auto;height:auto;max-height:none;border-radius:0;border:0}
}
@media (prefers-reduced-motion:reduce){.parley-root *{animation:none!important;transition:none!important}}
`;

  // ---------------------------------------------------------------------------------------------
  // DOM

  const root = el('div', 'parley-root', { 'data-parley': 'root' });

  const launcher = el('button', 'parley-launcher', { type: 'button', 'data-parley': 'launcher', 'aria-label': 'Open chat', 'aria-expanded': 'false' });
  launcher.appendChild(icon(ICON_CHAT, 'parley-icon-chat'));
  launcher.appendChild(icon(ICON_CLOSE, 'parley-icon-close'));
  const badge = el('span', 'parley-badge', { 'data-parley': 'badge', 'aria-label': 'unread messages' });
  badge.hidden = true;
  launcher.appendChild(badge);

  const windowEl = el('div', 'parley-window', { 'data-parley': 'window', role: 'dialog', 'aria-label': 'Chat with us', 'data-open': 'false' });

  const header = el('div', 'parley-header');
  const avatar = el('div', 'parley-avatar');
  avatar.appendChild(icon(ICON_CHAT));
  const heading = el('div', 'parley-heading');
  const title = el('div', 'parley-title', { role: 'heading', 'aria-level': '2' });
  title.textContent = 'Chat with us';
  const status = el('div', 'parley-status', { 'data-parley': 'status', 'data-state': 'connecting', role: 'status' });
  const statusDot = el('span', 'parley-dot');
  const statusText = el('span', 'parley-status-text');
  status.appendChild(statusDot);
  status.appendChild(statusText);
  heading.appendChild(title);
  heading.appendChild(status);
  const notice = el('div', 'parley-notice', { 'data-parley': 'notice', role: 'status' });
  notice.hidden = true;
  heading.appendChild(notice);
  const notifyButton = el('button', 'parley-notify', { type: 'button', 'data-parley': 'notify', 'data-state': 'off' });
  notifyButton.appendChild(icon(ICON_BELL));
  notifyButton.hidden = true; // until this browser is known to take Web Push here (setupPush)
  const closeButton = el('button', 'parley-close', { type: 'button', 'data-parley': 'close', 'aria-label': 'Minimise chat' });
  closeButton.appendChild(icon(ICON_MINIMISE));
  const emailButton = el('button', 'parley-mail', {
    type: 'button', 'data-parley': 'email', 'data-state': 'none', 'aria-label': 'Get replies by email', title: 'Get replies by email',
    'aria-expanded': 'false', 'aria-controls': 'parley-email-form',
  });
  emailButton.appendChild(icon(ICON_MAIL));
  emailButton.hidden = !configured; // nowhere to save an address to
  header.appendChild(avatar);
  header.appendChild(heading);
  header.appendChild(emailButton);
  header.appendChild(notifyButton);
  header.appendChild(closeButton);

  const body = el('div', 'parley-body', { 'data-parley': 'scroller' });
  const welcome = el('div', 'parley-welcome');
  welcome.textContent = 'Hi there! Ask us anything \u2014 we usually reply within a few minutes.';
  const list = el('ol', 'parley-messages', { 'data-parley': 'messages', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
  body.appendChild(welcome);
  body.appendChild(list);

  const composer = el('form', 'parley-composer', { 'data-parley': 'composer', novalidate: '' });
  const input = el('textarea', 'parley-input', {
    'data-parley': 'input', rows: '1', placeholder: 'Type your message\u2026', 'aria-label': 'Message', maxlength: String(MAX_TEXT), autocomplete: 'off',
  });
  const sendButton = el('button', 'parley-send', { type: 'submit', 'data-parley': 'send', 'aria-label': 'Send message' });
  sendButton.appendChild(icon(ICON_SEND));
  composer.appendChild(input);
  composer.appendChild(sendButton);

  // The email form sits between the messages and the composer: in view whatever the scroll
  // position, and right where a pre-chat visitor would otherwise start typing.
  const emailForm = el('form', 'parley-email', {
    'data-parley': 'email-form', id: 'parley-email-form', novalidate: '', 'aria-labelledby': 'parley-email-title', 'aria-describedby': 'parley-email-hint',
  });
  emailForm.hidden = true;
  const emailTitle = el('p', 'parley-email-title', { id: 'parley-email-title' });
  const emailHint = el('p', 'parley-email-hint', { id: 'parley-email-hint' });
  function field(caption, attrs) {
    const label = el('label', 'parley-field');
    const text = el('span');
    text.textContent = caption;
    const box = el('input', null, attrs);
    label.appendChild(text);
    label.appendChild(box);
    emailForm.appendChild(label);
    return box;
  }
  emailForm.appendChild(emailTitle);
  emailForm.appendChild(emailHint);
  const emailInput = field('Email', {
    type: 'email', name: 'email', 'data-parley': 'email-input', autocomplete: 'email', maxlength: '254', spellcheck: 'false',
    'aria-required': 'true', 'aria-describedby': 'parley-email-error',
  });
  const nameInput = field('Name (optional)', { type: 'text', name: 'name', 'data-parley': 'name-input', autocomplete: 'name', maxlength: '200', 'aria-describedby': 'parley-email-error' });
  const emailError = el('p', 'parley-email-error', { 'data-parley': 'email-error', id: 'parley-email-error', role: 'alert' });
  emailError.hidden = true;
  const emailActions = el('div', 'parley-email-actions');
  const skipButton = el('button', 'parley-email-skip', { type: 'button', 'data-parley': 'email-skip' });
  const saveButton = el('button', 'parley-email-save', { type: 'submit', 'data-parley': 'email-save' });
  saveButton.textContent = 'Save';
  emailActions.appendChild(skipButton);
  emailActions.appendChild(saveButton);
  emailForm.appendChild(emailError);
  emailForm.appendChild(emailActions);
  const emailSaved = el('div', 'parley-email-saved', { 'data-parley': 'email-saved', role: 'status' });
  emailSaved.hidden = true;

  const footer = el('div', 'parley-footer');
  footer.textContent = 'Powered by Parley';

  windowEl.appendChild(header);
  windowEl.appendChild(body);
  windowEl.appendChild(emailForm);
  windowEl.appendChild(emailSaved);
  windowEl.appendChild(composer);
  windowEl.appendChild(footer);
  root.appendChild(windowEl);
  root.appendChild(launcher);

  const STATUS_TEXT = {
    connecting: 'Connecting\u2026',
    connected: 'Connected',
    reconnecting: 'Reconnecting\u2026',
    unavailable: 'Chat unavailable \u2014 retrying\u2026',
    misconfigured: 'Chat is not configured',
  };
  function setConnection(next) {
    connection = next;
    status.setAttribute('data-state', next);
    statusText.textContent = STATUS_TEXT[next] || next;
  }

  function setUnread(count) {
    unread = count;
    badge.hidden = count === 0;
    badge.textContent = count > 9 ? '9+' : String(count);
    launcher.setAttribute('aria-label', count ? 'Open chat (' + count + ' unread)' : (isOpen ? 'Close chat' : 'Open chat'));
  }

  function applyOpenState(focus) {
    root.classList.toggle('parley-is-open', isOpen);
    windowEl.setAttribute('data-open', isOpen ? 'true' : 'false');
    launcher.setAttribute('aria-expanded', isOpen ? 'true' : 'false');
    if (isOpen) {
      setUnread(0);
      scrollToBottom();
      if (focus) focusSoon(emailFormMode ? emailInput : input);
    } else {
      setUnread(unread);
    }
  }
  function focusSoon(target) {
    setTimeout(() => { try { target.focus({ preventScroll: true }); } catch (_) { target.focus(); } }, 30);
  }
  function openWindow() { isOpen = true; store.set('open', '1'); root.classList.add('parley-animate'); applyOpenState(true); }
  function closeWindow() { isOpen = false; store.set('open', '0'); applyOpenState(false); }

  function nearBottom() { return body.scrollHeight - body.scrollTop - body.clientHeight < 80; }
  function scrollToBottom() { body.scrollTop = body.scrollHeight; }

  // ---------------------------------------------------------------------------------------------
  // Messages

  /**
   * entry = { id: number|null, clientId: string|null, direction: 'inbound'|'outbound', text,
   *           senderName, createdAt, state: 'sending'|'sent'|'failed'|'received', error, el, ... }
   */
  function renderEntry(entry) {
    const item = el('li', 'parley-msg parley-msg-' + entry.direction, { 'data-parley': 'message', 'data-direction': entry.direction });
    const bubble = el('div', 'parley-bubble');
    const text = el('span', 'parley-text', { 'data-parley': 'text' });
    text.textContent = entry.text; // never innerHTML
    bubble.appendChild(text);
    const meta = el('div', 'parley-meta');
    item.appendChild(bubble);
    item.appendChild(meta);
    entry.el = item;
    entry.metaEl = meta;
    updateEntry(entry);
    return item;
  }

  function updateEntry(entry) {
    const item = entry.el;
    if (!item) return;
    if (entry.id != null) item.setAttribute('data-id', String(entry.id));
    if (entry.clientId) item.setAttribute('data-client-id', entry.clientId);
    item.setAttribute('data-state', entry.state);
    const meta = entry.metaEl;
    meta.textContent = '';
    const parts = [];
    if (entry.direction === 'outbound' && entry.senderName) parts.push(entry.senderName);
    const when = formatTime(entry.createdAt);
    if (when) parts.push(when);
    if (entry.state === 'sending') parts.push('Sending\u2026');
    const time = el('time', 'parley-time');
    if (entry.createdAt) time.setAttribute('datetime', entry.createdAt);
    time.textContent = parts.join(' \u00b7 ');
    meta.appendChild(time);
    if (entry.state === 'failed') {
      meta.appendChild(document.createTextNode(' \u00b7 '));
      const retry = el('button', 'parley-retry', { type: 'button', 'data-parley': 'retry', title: entry.error || 'Not delivered' });
      retry.textContent = 'Not sent \u2014 retry';
      retry.addEventListener('click', () => {
        entry.state = 'sending';
        entry.error = null;
        updateEntry(entry);
        deliver(entry);
      });
      meta.appendChild(retry);
    }
  }

  /** Puts a message element at its place: server messages in id order, unsent ones at the end. */
  function place(entry) {
    const item = entry.el;
    if (entry.id == null) {
      list.appendChild(item);
      return;
    }
    let before = null;
    for (const child of list.children) {
      if (child === item) continue;
      const childId = child.getAttribute('data-id');
      if (childId === null || Number(childId) > entry.id) { before = child; break; }
    }
    if (item.parentNode !== list || item.nextSibling !== before) list.insertBefore(item, before);
  }

  /** lastSeen is written to storage together with the history (saveNow), so the two agree. */
  function bumpLastSeen(id) {
    if (id > lastSeen) {
      lastSeen = id;
      scheduleSave();
    }
  }

  function scheduleSave() {
    if (saveTimer) return;
    saveTimer = setTimeout(saveNow, 150);
  }
  function saveNow() {
    clearTimeout(saveTimer);
    saveTimer = null;
    const history = Array.from(byId.values())
      .sort((a, b) => a.id - b.id)
      .slice(-HISTORY_LIMIT)
      .map((e) => ({ id: e.id, direction: e.direction, text: e.text, clientId: e.clientId || null, senderName: e.senderName || null, createdAt: e.createdAt }));
    const outbox = pendingEntries().map((e) => ({ clientId: e.clientId, text: e.text, createdAt: e.createdAt }));
    store.set('history', JSON.stringify(history));
    store.set('lastSeen', String(lastSeen));
    if (outbox.length) store.set('outbox', JSON.stringify(outbox)); else store.remove('outbox');
  }

  function pendingEntries() {
    return Array.from(byClientId.values()).filter((e) => e.id == null && e.state !== 'sent');
  }

  /** Gives a locally sent message its server id (from an ack, the HTTP response, or the echo). */
  function assignId(entry, id, createdAt) {
    if (entry.id != null) return;
    const other = byId.get(id);
    if (other && other !== entry) {
      if (other.clientId === entry.clientId) {
        // The same message is already on screen under this id: drop the local copy.
        if (entry.el && entry.el.parentNode) entry.el.parentNode.removeChild(entry.el);
        byClientId.set(entry.clientId, other);
      } else {
        // The id belongs to a different message (the server's store was reset): keep the
        // bubble, delivered but without an id, rather than lose it.
        entry.state = 'sent';
        entry.error = null;
        updateEntry(entry);
      }
      scheduleSave();
      return;
    }
    entry.id = id;
    if (createdAt) entry.createdAt = createdAt;
    entry.state = 'sent';
    entry.error = null;
    byId.set(id, entry);
    updateEntry(entry);
    place(entry);
    scheduleSave();
  }

  /**
   * A VisitorMessage from the socket, the poll or the stored history. Renders it exactly once:
   * ids already on screen are ignored, and the echo of one of our own messages (same clientId)
   * is merged into the bubble that is already there.
   */
  function ingest(m, live) {
    if (!m || m.id == null) return;
    const id = Number(m.id);
    if (!Number.isFinite(id)) return;
    if (live) bumpLastSeen(id);
    if (m.direction !== 'inbound' && m.direction !== 'outbound') return; // e.g. internal notes
    if (byId.has(id)) return;
    const stick = nearBottom();
    const clientId = typeof m.clientId === 'string' && m.clientId ? m.clientId : null;
    const mine = clientId ? byClientId.get(clientId) : null;
    if (mine && mine.id == null) {
      assignId(mine, id, m.createdAt);
    } else {
      const sender = m.sender || {};
      const entry = {
        id,
        clientId,
        direction: m.direction,
        text: messageText(m),
        senderName: m.senderName || sender.name || null,
        createdAt: m.createdAt || new Date().toISOString(),
        state: m.direction === 'inbound' ? 'sent' : 'received',
      };
      renderEntry(entry);
      byId.set(id, entry);
      if (clientId && !byClientId.has(clientId)) byClientId.set(clientId, entry);
      place(entry);
      if (live && entry.direction === 'outbound' && !isOpen) setUnread(unread + 1);
    }
    scheduleSave();
    if (emailFormMode === 'required' || emailFormMode === 'optional') refreshPreChat(); // an existing conversation arrived
    if (stick) scrollToBottom(); // don't yank a visitor who scrolled up to read
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

  function send(rawText) {
    const text = String(rawText == null ? '' : rawText).replace(/^\s*\n|\s+$/g, '');
    if (!text.trim() || emailFormMode === 'required') return false;
    const entry = {
      id: null,
      clientId: newClientId(),
      direction: 'inbound',
      text: text.slice(0, MAX_TEXT),
      senderName: null,
      createdAt: new Date().toISOString(),
      state: 'sending',
    };
    byClientId.set(entry.clientId, entry);
    renderEntry(entry);
    place(entry);
    saveNow();
    scrollToBottom();
    if (emailFormMode === 'optional') refreshPreChat(); // the visitor chose to just start chatting
    if (!configured) {
      markFailed(entry, 'chat is not configured');
      return true;
    }
    deliver(entry);
    return true;
  }

  function markFailed(entry, reason) {
    entry.state = 'failed';
    entry.error = reason;
    updateEntry(entry);
  }

  /** Sends one unacknowledged message by whichever path is up. Safe to call repeatedly: the
   *  server deduplicates by clientId. */
  function deliver(entry) {
    if (entry.id != null || entry.state !== 'sending' || !configured) return;
    if (ws && ws.readyState === WebSocket.OPEN && connection === 'connected') {
      if (entry.sentOnSocket === socketGeneration) return;
      try {
        ws.send(JSON.stringify({ type: 'message', clientId: entry.clientId, text: entry.text }));
        entry.sentOnSocket = socketGeneration;
        entry.sentAt = Date.now();
        return;
      } catch (_) { /* fall through to HTTP */ }
    }
    if (ws && ws.readyState === WebSocket.CONNECTING) return; // flushed on open (or on close, over HTTP)
    sendOverHTTP(entry);
  }

  async function sendOverHTTP(entry) {
    if (entry.httpInFlight || !token) return;
    entry.httpInFlight = true;
    entry.sentAt = Date.now();
    try {
      const response = await fetch(hooksURL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
        body: JSON.stringify({ clientId: entry.clientId, text: entry.text }),
        credentials: 'omit',
      });
      if (response.ok) {
        const result = await response.json().catch(() => ({}));
        if (result && result.id != null) assignId(entry, Number(result.id), null);
        else { entry.state = 'sent'; updateEntry(entry); }
      } else if (response.status === 401) {
        sessionChecked = false;
        ensureSession();
      } else if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        markFailed(entry, await readError(response));
      }
      // 5xx, 408, 429: stays "sending"; retried by the poll loop or on reconnect
    } catch (_) {
      // network down: retried later
    } finally {
      entry.httpInFlight = false;
    }
  }

  function flushOutbox() {
    for (const entry of pendingEntries()) deliver(entry);
  }

  // Safety net: a message sent on the socket but never acknowledged is sent again over HTTP.
  setInterval(() => {
    const now = Date.now();
    for (const entry of pendingEntries()) {
      if (entry.state === 'sending' && entry.sentAt && now - entry.sentAt > ACK_TIMEOUT_MS) sendOverHTTP(entry);
    }
  }, 5000);

  // ---------------------------------------------------------------------------------------------
  // Session, socket, reconnect, polling

  function resetVisitor() {
    // A different visitor (the stored token was no longer valid): forget the old conversation,
    // keep what is still unsent.
    for (const entry of byId.values()) if (entry.el && entry.el.parentNode) entry.el.parentNode.removeChild(entry.el);
    byId.clear();
    for (const [clientId, entry] of byClientId) if (entry.id != null) byClientId.delete(clientId);
    lastSeen = 0;
    saveNow();
    // The address was saved for the previous visitor: the server does not know it for this one.
    contact = null;
    store.remove('contact');
    store.remove('preChat');
    renderSaved();
    refreshPreChat();
  }

  /** POST /widget/{channel}/session; resolves to true when we hold a valid token. */
  function ensureSession() {
    if (sessionChecked && token) return Promise.resolve(true);
    if (sessionInFlight) return sessionInFlight;
    sessionInFlight = (async () => {
      try {
        const response = await fetch(sessionURL, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(token ? { token } : {}),
          credentials: 'omit',
        });
        if (!response.ok) {
          if (response.status >= 400 && response.status < 500) setConnection('unavailable');
          return false;
        }
        const result = await response.json();
        if (!result || typeof result.token !== 'string' || !result.token) return false;
        if (token && result.token !== token) resetVisitor();
        token = result.token;
        visitorId = result.visitorId || null;
        store.set('token', token);
        sessionChecked = true;
        if (connection === 'unavailable') setConnection('reconnecting');
        return true;
      } catch (_) {
        return false;
      } finally {
        sessionInFlight = null;
      }
    })();
    return sessionInFlight;
  }

  async function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (ws) return;
    if (!(await ensureSession())) {
      if (connection !== 'unavailable') setConnection('reconnecting');
      startPolling(); // keeps retrying the session and, once it works, the HTTP fallback
      scheduleReconnect();
      return;
    }
    if (ws || suspended) return;
    let socket;
    try {
      socket = new WebSocket(socketURL(token));
    } catch (_) {
      socketDown();
      return;
    }
    const generation = ++socketGeneration;
    ws = socket;
    clearTimeout(connectTimer);
    connectTimer = setTimeout(() => {
      if (generation === socketGeneration && socket.readyState === WebSocket.CONNECTING) socket.close();
    }, CONNECT_TIMEOUT_MS);

    socket.onopen = () => {
      if (generation !== socketGeneration) return;
      clearTimeout(connectTimer);
      socketOpenedAt = Date.now();
      setConnection('connected');
      stopPolling();
      socket.send(JSON.stringify({ type: 'resume', after: lastSeen }));
      flushOutbox();
    };
    socket.onmessage = (event) => {
      if (generation !== socketGeneration) return;
      let frame;
      try { frame = JSON.parse(event.data); } catch (_) { return; }
      if (!frame || typeof frame !== 'object') return;
      if (frame.type === 'message') {
        ingest(frame.message, true);
      } else if (frame.type === 'ack') {
        const entry = byClientId.get(frame.clientId);
        if (entry && frame.id != null) assignId(entry, Number(frame.id), null);
      } else if (frame.type === 'error') {
        const entry = frame.clientId ? byClientId.get(frame.clientId) : null;
        if (entry && entry.id == null) markFailed(entry, frame.reason || 'rejected');
        else console.warn('[parley] server error:', frame.reason);
      }
    };
    socket.onerror = () => { /* a close event follows */ };
    socket.onclose = () => {
      if (generation !== socketGeneration) return;
      clearTimeout(connectTimer);
      const wasOpen = socketOpenedAt > 0;
      if (wasOpen && Date.now() - socketOpenedAt > 5000) reconnectAttempts = 0; // it was a healthy connection
      if (!wasOpen) sessionChecked = false; // the upgrade was refused: re-validate the token first
      socketOpenedAt = 0;
      ws = null;
      socketDown();
    };
  }

  function socketDown() {
    if (connection !== 'unavailable') setConnection('reconnecting');
    startPolling();
    flushOutbox(); // over HTTP now
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (reconnectTimer || ws || suspended) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, reconnectAttempts));
    const delay = Math.min(BACKOFF_MAX_MS, Math.round(base * (0.75 + Math.random() * 0.5)));
    reconnectAttempts++;
    reconnectTimer = setTimeout(() => { reconnectTimer = null; connect(); }, delay);
  }

  function reconnectNow() {
    if (!configured || ws || suspended) return;
    reconnectAttempts = 0;
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    connect();
  }

  /**
   * The page is going into the back/forward cache: frozen, not unloaded, and Chromium keeps its
   * WebSocket open. The server would go on counting the visitor as present, so a reply would be
   * "delivered" to a page nobody sees instead of waiting for them or going out as a push.
   * The socket is closed on the way in; pageshow reconnects on the way back.
   */
  function suspend() {
    suspended = true;
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    clearTimeout(connectTimer);
    stopPolling();
    if (ws) {
      const socket = ws;
      ws = null;
      socketGeneration++; // its close event is no longer ours to handle
      socketOpenedAt = 0;
      try { socket.close(1000, 'page hidden'); } catch (_) { /* already closing */ }
    }
    setConnection('reconnecting');
  }

  function startPolling() {
    if (pollTimer) return;
    pollTimer = setInterval(pollOnce, POLL_INTERVAL_MS);
  }
  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = null;
  }

  async function pollOnce() {
    if (ws && ws.readyState === WebSocket.OPEN) { stopPolling(); return; }
    if (pollInFlight) return;
    pollInFlight = true;
    try {
      if (!token && !(await ensureSession())) return; // a stored token is good enough for the fallback
      flushOutbox();
      const response = await fetch(messagesURL(lastSeen), {
        headers: { Authorization: 'Bearer ' + token },
        credentials: 'omit',
        cache: 'no-store',
      });
      if (response.status === 401) { sessionChecked = false; return; }
      if (!response.ok) return;
      const result = await response.json();
      const messages = Array.isArray(result && result.messages) ? result.messages.slice() : [];
      messages.sort((a, b) => Number(a.id) - Number(b.id));
      for (const m of messages) ingest(m, true);
      if (connection === 'unavailable') setConnection('reconnecting');
    } catch (_) {
      // still offline
    } finally {
      pollInFlight = false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Notifications (Web Push): the bell button, the service worker, the subscription

  const pushKeyURL = endpoint('widget/push-key');
  const pushSubscriptionsURL = endpoint(chanPath + '/push-subscriptions');
  const PUSH_STEP_TIMEOUT_MS = 30000;
  const NOTICE_MS = 8000;
  const NOTIFY_LABEL = {
    off: 'Turn on notifications for replies',
    asking: 'Turning on notifications\u2026',
    on: 'Notifications are on',
    failed: 'Notifications could not be turned on \u2014 try again',
  };
  let notifyState = 'off';
  let pushKey = null; // Uint8Array: the server's VAPID public key, the subscription's applicationServerKey
  let noticeTimer = null;

  function setNotifyState(next) {
    notifyState = next;
    notifyButton.setAttribute('data-state', next);
    notifyButton.setAttribute('aria-label', NOTIFY_LABEL[next]);
    notifyButton.setAttribute('aria-pressed', next === 'on' ? 'true' : 'false');
    notifyButton.title = NOTIFY_LABEL[next];
  }

  function showNotice(text, kind) {
    clearTimeout(noticeTimer);
    notice.textContent = text;
    notice.setAttribute('data-kind', kind || 'info');
    notice.hidden = !text;
    if (text) noticeTimer = setTimeout(() => showNotice(''), NOTICE_MS);
  }

  function pushSupported() {
    return window.isSecureContext === true && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  }

  /** The worker to register: the script named in data-service-worker, else parleyd's own; null
   *  when that is not on the page's origin (browsers register same-origin scripts only). */
  function serviceWorkerURL() {
    const named = (script.getAttribute('data-service-worker') || '').trim();
    let url;
    try {
      url = named ? new URL(named, window.location.href) : new URL('widget-sw.js', baseURL);
    } catch (_) {
      return null;
    }
    if (url.origin === window.location.origin) return url.href;
    if (named) console.warn('[parley] data-service-worker must be a script on this page\'s origin:', named);
    return null;
  }

  function decodeKey(base64url) {
    if (typeof base64url !== 'string' || !/^[A-Za-z0-9_-]+$/.test(base64url)) return null;
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((base64url.length + 3) % 4);
    try {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      return bytes.length === 65 && bytes[0] === 4 ? bytes : null; // an uncompressed P-256 point
    } catch (_) {
      return null;
    }
  }

  function sameBytes(buffer, bytes) {
    if (!buffer) return false;
    const other = new Uint8Array(buffer);
    return other.length === bytes.length && other.every((b, i) => b === bytes[i]);
  }

  function withTimeout(promise, what) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(what + ' (no answer after ' + PUSH_STEP_TIMEOUT_MS / 1000 + ' s)')), PUSH_STEP_TIMEOUT_MS);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  /** Shows the button when everything a subscription needs is there; with the permission given
   *  on an earlier visit, subscribes again at once (the server keeps one copy per endpoint). */
  async function setupPush() {
    if (!configured || !pushSupported() || !serviceWorkerURL() || Notification.permission === 'denied') return;
    try {
      const response = await fetch(pushKeyURL, { credentials: 'omit', cache: 'no-store' });
      if (!response.ok) return; // 404: Web Push is not set up on this server
      const body = await response.json();
      pushKey = decodeKey(body && body.publicKey);
    } catch (_) {
      return; // offline, or not our server: no button rather than one that cannot work
    }
    if (!pushKey) return;
    setNotifyState('off');
    notifyButton.hidden = false;
    if (Notification.permission === 'granted') subscribePush(false);
  }

  /** Called on click (`asked`: the permission prompt needs that user gesture, so nothing may be
   *  awaited before requestPermission) and silently on load once permission was given. */
  async function subscribePush(asked) {
    if (notifyState === 'asking' || !pushKey) return;
    setNotifyState('asking');
    if (asked) showNotice('');
    try {
      let permission = Notification.permission;
      if (permission !== 'granted') permission = await requestPermission();
      if (permission !== 'granted') {
        setNotifyState('off');
        if (permission === 'denied') notifyButton.hidden = true; // asking again would do nothing
        showNotice(permission === 'denied' ? 'Notifications are blocked for this site' : 'Notifications were not turned on', 'error');
        return;
      }
      const registration = await withTimeout(activeRegistration(), 'the service worker did not start');
      const subscription = await withTimeout(pushSubscription(registration), 'the browser did not subscribe');
      await withTimeout(sendSubscription(subscription), 'the server did not answer');
      setNotifyState('on');
      if (asked) showNotice('Notifications on \u2014 we\u2019ll let you know when we reply');
    } catch (error) {
      setNotifyState('failed');
      console.warn('[parley] notifications could not be turned on:', error);
      if (asked) {
        const blocked = error && error.name === 'NotAllowedError';
        showNotice(blocked ? 'Notifications are blocked for this site' : 'Notifications could not be turned on \u2014 try again later', 'error');
      }
    }
  }

  function requestPermission() {
    // Older Safari takes a callback and returns nothing; the others return a promise.
    return new Promise((resolve) => {
      const result = Notification.requestPermission(resolve);
      if (result && typeof result.then === 'function') result.then(resolve, () => resolve('default'));
    });
  }

  /** Registers the worker and waits until it is active: subscribe() needs an active worker, and
   *  navigator.serviceWorker.ready would never settle when the worker's scope does not cover
   *  this page (parleyd under a path prefix). */
  async function activeRegistration() {
    const registration = await navigator.serviceWorker.register(serviceWorkerURL());
    if (registration.active) return registration;
    const worker = registration.installing || registration.waiting;
    if (!worker) throw new Error('the service worker registration has no worker');
    await new Promise((resolve, reject) => {
      const check = () => {
        if (worker.state === 'activated') resolve();
        else if (worker.state === 'redundant') reject(new Error('the service worker failed to install'));
      };
      worker.addEventListener('statechange', check);
      check();
    });
    return registration;
  }

  async function pushSubscription(registration) {
    const existing = await registration.pushManager.getSubscription();
    if (existing) {
      if (sameBytes(existing.options && existing.options.applicationServerKey, pushKey)) return existing;
      // Made for another key: parleyd's pushes would not verify against it. With parleyd's own
      // worker it can only be an old Parley subscription; a site's worker may hold the site's
      // own push, which is not ours to end.
      if ((script.getAttribute('data-service-worker') || '').trim()) {
        throw new Error('the site\'s service worker already has a push subscription made with another key');
      }
      await existing.unsubscribe();
    }
    return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: pushKey });
  }

  async function sendSubscription(subscription) {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!(await ensureSession())) throw new Error('no visitor session');
      const response = await fetch(pushSubscriptionsURL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
        body: JSON.stringify(subscription.toJSON()),
        credentials: 'omit',
      });
      if (response.ok) return;
      if (response.status !== 401) throw new Error((await readError(response)) + ' (HTTP ' + response.status + ')');
      sessionChecked = false; // the token is no longer valid: get a (new) visitor and try once more
    }
    throw new Error('the visitor token was refused');
  }

  // ---------------------------------------------------------------------------------------------
  // Email: the pre-chat form and the header's "Get replies by email" (see the header comment)

  const EMAIL_FORM_TEXT = {
    required: { title: 'Before we start', hint: 'Leave your email so we can reply even if you step away.', skip: null },
    optional: { title: 'Get replies by email', hint: 'Leave your email and we\u2019ll send our reply there if you step away.', skip: 'Skip' },
    leave: { title: 'Get replies by email', hint: 'Leaving? We\u2019ll email our reply to you, with a link back to this chat.', skip: 'Cancel' },
  };
  const COMPOSER_PLACEHOLDER = 'Type your message\u2026';

  /** Whether the pre-chat form belongs in front of this visitor now (see the header comment). */
  function preChatWanted() {
    if (!preChat || !configured || contact || arrivedByLink) return false;
    if (preChat === 'optional' && store.get('preChat') === 'skipped') return false;
    return byId.size === 0 && pendingEntries().length === 0;
  }

  /** Opens or closes the pre-chat form as the visitor's state changes: a returning visitor's
   *  conversation arriving from the server lifts it, a new visitor token brings it back. */
  function refreshPreChat() {
    const wanted = preChatWanted();
    if (wanted && !emailFormMode) openEmailForm(preChat, false);
    else if (!wanted && (emailFormMode === 'required' || emailFormMode === 'optional')) closeEmailForm(null);
  }

  function openEmailForm(mode, focus) {
    const text = EMAIL_FORM_TEXT[mode];
    if (!emailFormMode && contact) {
      // What is saved, not an edit the visitor cancelled earlier.
      emailInput.value = contact.email;
      nameInput.value = contact.name;
    }
    emailFormMode = mode;
    emailForm.setAttribute('data-mode', mode);
    emailTitle.textContent = text.title;
    emailHint.textContent = text.hint;
    skipButton.hidden = !text.skip;
    skipButton.textContent = text.skip || '';
    emailForm.hidden = false;
    emailButton.setAttribute('aria-expanded', 'true');
    setComposerLocked(mode === 'required');
    renderSaved();
    if (focus && isOpen) focusSoon(emailInput);
  }

  /** `then` is where focus goes afterwards (null: leave it). */
  function closeEmailForm(then) {
    emailFormMode = null;
    emailForm.hidden = true;
    emailForm.removeAttribute('data-mode');
    showEmailError('');
    emailButton.setAttribute('aria-expanded', 'false');
    setComposerLocked(false);
    renderSaved();
    if (then && isOpen) focusSoon(then);
  }

  function setComposerLocked(locked) {
    input.disabled = locked;
    sendButton.disabled = locked;
    input.placeholder = locked ? 'Leave your email above to start chatting' : COMPOSER_PLACEHOLDER;
  }

  function renderSaved() {
    emailButton.setAttribute('data-state', contact ? 'saved' : 'none');
    emailSaved.hidden = !contact || emailFormMode !== null;
    if (!contact) { emailSaved.textContent = ''; return; }
    const promise = 'email you at ' + contact.email + ' if you leave.';
    emailSaved.textContent = contact.name ? 'Thanks, ' + contact.name + '! We\u2019ll ' + promise : 'We\u2019ll ' + promise; // text, never markup
  }

  /** The server's reason names the field first ("email: ..."): that field is marked invalid. */
  function showEmailError(reason) {
    emailError.textContent = reason;
    emailError.hidden = !reason;
    const field = /^(email|name):/.exec(reason || '');
    emailInput.setAttribute('aria-invalid', field && field[1] === 'email' ? 'true' : 'false');
    nameInput.setAttribute('aria-invalid', field && field[1] === 'name' ? 'true' : 'false');
    return field ? (field[1] === 'name' ? nameInput : emailInput) : null;
  }

  async function saveContact() {
    if (contactInFlight) return;
    const email = emailInput.value.trim();
    const name = nameInput.value.trim();
    contactInFlight = true;
    saveButton.disabled = true;
    emailForm.setAttribute('aria-busy', 'true');
    let failure;
    try {
      failure = await postContact(email, name);
    } finally {
      contactInFlight = false;
      saveButton.disabled = false;
      emailForm.removeAttribute('aria-busy');
    }
    if (failure) {
      const invalid = showEmailError(failure);
      if (invalid) invalid.focus();
      return;
    }
    contact = { email, name };
    store.set('contact', JSON.stringify(contact));
    closeEmailForm(input);
  }

  /** POST /widget/{channel}/contact; resolves to null once saved, else to what the visitor reads. */
  async function postContact(email, name) {
    const unreachable = 'Could not reach the chat server \u2014 check your connection and try again.';
    for (let attempt = 0; attempt < 2; attempt++) {
      let response;
      try {
        if (!(await ensureSession())) return unreachable;
        response = await fetch(contactURL, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
          body: JSON.stringify(name ? { email, name } : { email }),
          credentials: 'omit',
        });
      } catch (_) {
        return unreachable;
      }
      if (response.ok) return null;
      if (response.status === 401) { sessionChecked = false; continue; } // a new visitor, then once more
      const reason = await readError(response);
      if (response.status === 400) return reason; // names the field, e.g. "email: 'ana@' is not an email address ..."
      return 'Your email could not be saved (' + reason + ') \u2014 try again.';
    }
    return 'Your email could not be saved \u2014 reload the page and try again.';
  }

  /** Esc, Skip or Cancel: the pre-chat form stays skipped in this browser, the header's just closes. */
  function dismissEmailForm() {
    if (emailFormMode === 'required' || !emailFormMode) return;
    if (emailFormMode === 'optional') {
      store.set('preChat', 'skipped');
      closeEmailForm(input);
    } else {
      closeEmailForm(emailButton);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring

  launcher.addEventListener('click', () => { if (isOpen) closeWindow(); else openWindow(); });
  closeButton.addEventListener('click', closeWindow);
  emailButton.addEventListener('click', () => {
    if (emailFormMode) focusSoon(emailInput);
    else openEmailForm('leave', true);
  });
  emailForm.addEventListener('submit', (event) => {
    event.preventDefault();
    saveContact();
  });
  skipButton.addEventListener('click', dismissEmailForm);
  emailForm.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    if (emailFormMode === 'required') { // as in the composer: Esc minimises the chat
      closeWindow();
      launcher.focus();
    } else {
      dismissEmailForm();
    }
  });
  notifyButton.addEventListener('click', () => {
    // There is no "off" here: the browser's own site settings are where a visitor stops them.
    if (notifyState === 'on') showNotice('Notifications are on \u2014 turn them off in your browser\u2019s site settings');
    else subscribePush(true);
  });
  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    if (send(input.value)) {
      input.value = '';
      autosize();
    }
    input.focus();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      composer.requestSubmit ? composer.requestSubmit() : composer.dispatchEvent(new Event('submit', { cancelable: true }));
    } else if (event.key === 'Escape') {
      closeWindow();
      launcher.focus();
    }
  });
  function autosize() {
    input.style.height = 'auto';
    input.style.height = Math.min(120, input.scrollHeight + 2) + 'px';
  }
  input.addEventListener('input', autosize);

  window.addEventListener('online', reconnectNow);
  window.addEventListener('pagehide', (event) => {
    saveNow();
    if (event.persisted) suspend();
  });
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted || !suspended) return;
    suspended = false;
    reconnectNow();
  });
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') reconnectNow(); });

  function restore() {
    // Earlier conversation, so a returning visitor sees it before the resume brings what is new.
    const history = store.json('history', []);
    if (Array.isArray(history) && history.length) {
      for (const m of history) ingest(m, false);
    } else if (lastSeen) {
      lastSeen = 0; // no local copy of the history: ask the server for all of it
    }
    const outbox = store.json('outbox', []);
    if (Array.isArray(outbox)) {
      for (const m of outbox) {
        if (!m || typeof m.clientId !== 'string' || typeof m.text !== 'string' || byClientId.has(m.clientId)) continue;
        const entry = { id: null, clientId: m.clientId, direction: 'inbound', text: m.text, senderName: null, createdAt: m.createdAt || new Date().toISOString(), state: 'sending' };
        byClientId.set(entry.clientId, entry);
        renderEntry(entry);
        place(entry);
      }
    }
  }

  function mount() {
    if (!document.querySelector('style[data-parley-style]')) {
      const style = el('style', null, { 'data-parley-style': '' });
      style.textContent = CSS;
      (document.head || document.documentElement).appendChild(style);
    }
    document.body.appendChild(root);
    applyOpenState(false);
    scrollToBottom();
  }

  restore();
  setUnread(0);
  renderSaved();
  refreshPreChat();
  if (!configured) {
    setConnection('misconfigured');
    console.error('[parley] missing or invalid data-channel on the widget <script> tag:', channelId || '(empty)');
  } else {
    setConnection('connecting');
  }

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });

  if (configured) connect();
  setupPush();

  window.Parley = {
    __parley: true,
    open: openWindow,
    close: closeWindow,
    toggle() { if (isOpen) closeWindow(); else openWindow(); },
    send,
    get state() {
      return {
        channelId,
        baseUrl: baseURL.href.replace(/\/$/, ''),
        open: isOpen,
        connection,
        transport: ws && ws.readyState === WebSocket.OPEN ? 'websocket' : (pollTimer ? 'http' : 'none'),
        visitorId,
        lastSeen,
        messages: byId.size,
        pending: pendingEntries().length,
        notifications: notifyButton.hidden ? 'unavailable' : notifyState,
        email: contact ? contact.email : null,
      };
    },
  };
})();
