/*!
 * Parley web-chat service worker: shows the Web Push notifications parleyd sends to visitors who
 * allowed them in the widget, and brings the chat back when one is clicked.
 *
 * Served by parleyd at /widget-sw.js. The widget registers it itself when the page comes from
 * parleyd's own origin. A site that embeds the widget from another origin cannot register a
 * worker from parleyd's origin (browsers only take same-origin worker scripts), so it serves a
 * one-line file of its own and names it in the widget's data-service-worker attribute:
 *
 *   // https://www.example.com/parley-sw.js
 *   importScripts('https://PARLEY_HOST/widget-sw.js');
 *
 * A site that already has a service worker adds that importScripts line to it instead and names
 * its own worker in data-service-worker (registering a second worker at the same scope would
 * replace the first).
 *
 * Push payload (JSON, the contract with parleyd's sender):
 *   { "title": string, "body": string, "url": string, "tag": string,
 *     "conversationId": number, "messageIds": [number] }
 * Every field is optional here: a missing or garbled payload still shows a generic notification,
 * because Chromium counts a push without a visible notification against the site (and may
 * revoke its push permission), and a visitor should learn of a reply either way.
 */
'use strict';

const GENERIC_TITLE = 'New reply';
const GENERIC_BODY = 'You have a new message. Open the chat to read it.';
const MAX_TITLE = 120;
const MAX_BODY = 500;

/** The payload as an object, or null when there is none or it is not JSON. */
function readPayload(event) {
  if (!event.data) return null;
  try {
    const value = event.data.json();
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch (_) {
    return null;
  }
}

function text(value, limit) {
  return typeof value === 'string' ? value.trim().slice(0, limit) : '';
}

/** The page a click opens: an http(s) URL from the payload, else the worker's scope (the site).
 *  Anything else (javascript:, data:) is dropped rather than handed to openWindow. */
function targetURL(value) {
  if (typeof value === 'string' && value) {
    try {
      const url = new URL(value, self.registration.scope);
      if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
    } catch (_) { /* not a URL */ }
  }
  return self.registration.scope;
}

// A new version of this file takes over at once: it has no caches or state to migrate.
self.addEventListener('install', () => { self.skipWaiting(); });
self.addEventListener('activate', (event) => { event.waitUntil(self.clients.claim()); });

self.addEventListener('push', (event) => {
  const payload = readPayload(event) || {};
  const title = text(payload.title, MAX_TITLE) || GENERIC_TITLE;
  const body = text(payload.body, MAX_BODY) || (title === GENERIC_TITLE ? GENERIC_BODY : '');
  const tag = text(payload.tag, 200);
  const options = {
    body,
    data: {
      url: targetURL(payload.url),
      conversationId: Number.isFinite(payload.conversationId) ? payload.conversationId : null,
      messageIds: Array.isArray(payload.messageIds) ? payload.messageIds.filter(Number.isFinite) : [],
    },
  };
  if (tag) {
    // One notification per conversation, replaced by the next reply; renotify makes the
    // replacement alert the visitor again instead of updating silently.
    options.tag = tag;
    options.renotify = true;
  }
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const target = new URL(targetURL(data.url));
  event.waitUntil((async () => {
    // The chat page drops its #parley-token fragment once it has read it, so an open tab of the
    // same page counts as a match whatever its fragment.
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const client of windows) {
      let open;
      try { open = new URL(client.url); } catch (_) { continue; }
      if (open.origin === target.origin && open.pathname === target.pathname && open.search === target.search && 'focus' in client) {
        return client.focus();
      }
    }
    if (self.clients.openWindow) return self.clients.openWindow(target.href);
    return undefined;
  })());
});
