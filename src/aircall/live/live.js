// The Aircall API's live page: logs in (POST /auth/login), lists the newest
// calls (GET /calls), and subscribes to private-aircall with pusher-js
// (authorized by POST /pusher/auth with the access token), showing each
// update-call event as it arrives and updating its call's row. Notes added
// here go over HTTP; what the page shows of them comes back as events.
(function () {
  'use strict';

  var CHANNEL = 'private-aircall';
  var EVENT = 'update-call';
  var TOKEN = 'switchboard.aircall.token';
  var USER = 'switchboard.aircall.user';

  var key = document.body.dataset.key;
  var backend = document.body.dataset.backend;
  var token = sessionStorage.getItem(TOKEN);
  var pusher = null;
  var rows = {};

  function $(id) { return document.getElementById(id); }

  function cell(text) {
    var td = document.createElement('td');
    td.textContent = text;
    return td;
  }

  function api(method, path, json) {
    var init = { method: method, headers: {} };
    if (token) init.headers.authorization = 'Bearer ' + token;
    if (json !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(json);
    }
    return fetch(path, init).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = JSON.parse(text); } catch (e) { body = text; }
        return { status: response.status, body: body };
      });
    });
  }

  function message(body) {
    if (body && Array.isArray(body.message)) return body.message.join('; ');
    if (body && body.message) return String(body.message);
    return String(body);
  }

  function newestNote(call) {
    return call.notes && call.notes.length ? call.notes[0].content : '';
  }

  function noteCount(call) {
    return String((call.notes ? call.notes.length : 0) + (call.notes_omitted || 0));
  }

  // One table row per call, replaced when an event brings a newer copy.
  function show(call, flash) {
    var tr = document.createElement('tr');
    tr.dataset.id = call.id;
    [call.created_at, call.direction, call.from, call.to, call.is_archived ? 'yes' : 'no',
      noteCount(call), newestNote(call)].forEach(function (text) {
      tr.appendChild(cell(text == null ? '' : String(text)));
    });
    var old = rows[call.id];
    if (old) {
      old.replaceWith(tr);
    } else {
      $('calls').appendChild(tr);
      var option = document.createElement('option');
      option.value = call.id;
      option.textContent = call.from + ' → ' + call.to + ' (' + call.created_at + ')';
      $('note-call').appendChild(option);
    }
    rows[call.id] = tr;
    if (flash) {
      tr.className = 'flash';
      setTimeout(function () { tr.className = ''; }, 1500);
    }
  }

  function logEvent(call) {
    var li = document.createElement('li');
    var when = new Date().toISOString().slice(11, 23);
    li.textContent = when + ' ' + EVENT + ' ' + call.id + (call.is_archived ? ' (archived)' : '') +
      ': ' + newestNote(call);
    $('events').insertBefore(li, $('events').firstChild);
  }

  function connect() {
    if (backend !== 'builtin') {
      $('connection').textContent = 'none';
      $('subscription').textContent = 'this page follows the built-in server (REALTIME_BACKEND=builtin)';
      return;
    }
    var secure = location.protocol === 'https:';
    var port = Number(location.port || (secure ? 443 : 80));
    pusher = new Pusher(key, {
      cluster: 'switchboard', // required by pusher-js, unused with wsHost
      wsHost: location.hostname,
      wsPort: port,
      wssPort: port,
      forceTLS: secure,
      enabledTransports: ['ws', 'wss'],
      disableStats: true,
      channelAuthorization: {
        endpoint: '/pusher/auth',
        transport: 'ajax',
        headers: { Authorization: 'Bearer ' + token }
      }
    });
    pusher.connection.bind('state_change', function (states) {
      $('connection').textContent = states.current;
    });
    var channel = pusher.subscribe(CHANNEL);
    channel.bind('pusher:subscription_succeeded', function () {
      $('subscription').textContent = 'subscribed to ' + CHANNEL;
    });
    channel.bind('pusher:subscription_error', function (error) {
      $('subscription').textContent = 'refused: ' + (error && (error.error || error.status));
    });
    channel.bind(EVENT, function (call) {
      logEvent(call);
      show(call, true);
    });
  }

  function start(username) {
    $('login').hidden = true;
    $('live').hidden = false;
    $('user').textContent = username || sessionStorage.getItem(USER) || '-';
    return api('GET', '/calls?offset=0&limit=20').then(function (answer) {
      if (answer.status === 401) return stop();
      (answer.body.nodes || []).forEach(function (call) { show(call, false); });
      connect();
    });
  }

  function stop() {
    if (pusher) pusher.disconnect();
    pusher = null;
    token = null;
    rows = {};
    sessionStorage.removeItem(TOKEN);
    $('calls').textContent = '';
    $('note-call').textContent = '';
    $('events').textContent = '';
    $('live').hidden = true;
    $('login').hidden = false;
  }

  $('login').addEventListener('submit', function (event) {
    event.preventDefault();
    $('login-error').textContent = '';
    api('POST', '/auth/login', { username: $('username').value, password: $('password').value })
      .then(function (answer) {
        if (answer.status !== 201) {
          $('login-error').textContent = message(answer.body);
          return;
        }
        token = answer.body.access_token;
        sessionStorage.setItem(TOKEN, token);
        sessionStorage.setItem(USER, answer.body.user.username);
        return start(answer.body.user.username);
      });
  });

  $('note').addEventListener('submit', function (event) {
    event.preventDefault();
    $('note-error').textContent = '';
    var id = $('note-call').value;
    api('POST', '/calls/' + encodeURIComponent(id) + '/note', { content: $('note-content').value })
      .then(function (answer) {
        if (answer.status === 201) {
          $('note-content').value = '';
        } else {
          $('note-error').textContent = message(answer.body);
        }
      });
  });

  $('logout').addEventListener('click', stop);

  if (token) start();
})();
