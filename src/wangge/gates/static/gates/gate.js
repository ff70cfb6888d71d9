/* The gate page (卡口验码).  Online it asks the server in one round trip (POST /api/v1/gates/scan).
 * When the server cannot be reached it decides by itself, as the server would (gates/rules.py):
 *   - the code's ECDSA P-256 signature is verified with WebCrypto against the published keys
 *     (GET /api/v1/gates/keys), its expiry against the server's clock as last seen;
 *   - a code whose colour worsened since it was issued is refused from the revocation list
 *     (GET /api/v1/gates/revocations?since=, synced every 30 s while online);
 *   - who lives in the compound, their passes and the outings already used come from the gate's
 *     cache (GET /api/v1/gates/checkpoints/<id>/offline: opaque references, masked names, doors;
 *     no ID numbers), refreshed every minute;
 *   - the scan is queued on the device (localStorage) with a uuid made here, and uploaded in
 *     batches (POST /api/v1/gates/scans) when the server answers again; a batch sent twice
 *     records once.
 * Nothing here is trusted by the server beyond what the guard's shift allows it to record. */
(function () {
  "use strict";
  var root = document.getElementById("gate");
  if (!root) return;
  var config = JSON.parse(document.getElementById("gate-config").textContent);
  var words = document.getElementById("gate-words").dataset;
  var PREFIX = "wangge.gate." + config.checkpoint + ".";
  var RANK = { g: 0, y: 1, r: 2 };
  var BATCH = 500;
  var REQUEST_MS = 4000;

  // --- storage ------------------------------------------------------------------------------
  function load(name, fallback) {
    try { var v = localStorage.getItem(PREFIX + name); return v ? JSON.parse(v) : fallback; }
    catch (e) { return fallback; }
  }
  function save(name, value) {
    try { localStorage.setItem(PREFIX + name, JSON.stringify(value)); } catch (e) { /* full: keep going in memory */ }
  }
  var state = {
    jwks: load("jwks", null),          // {token_seconds, keys: [jwk...]}
    revs: load("revs", {}),            // ref -> [[colour, at_unix], ...]
    revSince: load("revSince", null),  // server_time of the last complete sync
    bundle: load("bundle", null),      // the offline data of this gate
    queue: load("queue", []),          // scans decided here, not yet uploaded
    recent: load("recent", []),        // quota uses decided online, until the cache shows them
    offset: load("offset", 0),         // server clock - device clock, ms
    keys: {},                          // kid -> CryptoKey
    residents: {}, passes: {}, paper: {},
    online: null
  };

  // --- helpers -----------------------------------------------------------------------------
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }
  function request(method, url, body) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, REQUEST_MS);
    var init = { method: method, credentials: "same-origin", signal: controller.signal,
                 headers: { "Accept": "application/json", "X-CSRFToken": csrf() } };
    if (body !== undefined) { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
    return fetch(url, init).finally(function () { clearTimeout(timer); });
  }
  function serverNow() { return Date.now() + (state.offset || 0); }
  function uuid4() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function b64url(text) {
    if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length % 4 === 1) throw new Error("bad base64url");
    var s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function worst(a, b) { return RANK[b] > RANK[a] ? b : a; }
  function localDay(ms) {
    var d = new Date(ms);
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  // --- the cache -----------------------------------------------------------------------------
  function index() {
    var b = state.bundle;
    state.residents = {}; state.passes = {}; state.paper = {};
    if (!b) return;
    b.residents.forEach(function (r) { state.residents[r[0]] = r; });
    b.passes.forEach(function (p) { (state.passes[p[0]] = state.passes[p[0]] || []).push(p); });
    b.paper.forEach(function (p) { state.paper[p[0]] = p[1]; });
    document.getElementById("gate-synced").textContent = new Date(b.synced_at * 1000).toLocaleTimeString();
    var level = document.getElementById("gate-level");
    if (b.checkpoint && b.checkpoint.level_name) level.textContent = b.checkpoint.level_name;
    root.dataset.level = b.checkpoint.level;
  }
  function importKeys() {
    if (!state.jwks || !window.crypto || !crypto.subtle) return Promise.resolve();
    return Promise.all(state.jwks.keys.map(function (k) {
      return crypto.subtle.importKey("jwk", { kty: k.kty, crv: k.crv, x: k.x, y: k.y, ext: true },
        { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"])
        .then(function (key) { state.keys[k.kid] = key; }, function () { /* a key this browser cannot take */ });
    }));
  }
  function pruneRevocations() {
    var lifetime = (state.jwks && state.jwks.token_seconds) || 600;
    var oldest = serverNow() / 1000 - lifetime - 120;
    Object.keys(state.revs).forEach(function (ref) {
      state.revs[ref] = state.revs[ref].filter(function (x) { return x[1] >= oldest; });
      if (!state.revs[ref].length) delete state.revs[ref];
    });
  }
  function syncRevocations() {
    var lifetime = (state.jwks && state.jwks.token_seconds) || 600;
    var since = state.revSince || new Date(serverNow() - (lifetime + 120) * 1000).toISOString();
    var serverTime = null;
    function page(cursor) {
      var url = config.revocations + "?since=" + encodeURIComponent(since) + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
      return request("GET", url).then(function (r) {
        // 403: a role that does not sync the city's list (a resident taking a turn at the gate):
        // the gate's own data carries the revocations of the people it knows, refreshed more often.
        if (r.status === 403) { state.revFromBundle = true; return null; }
        if (!r.ok) throw new Error("revocations " + r.status);
        return r.json();
      }).then(function (data) {
        if (data === null) return;
        serverTime = serverTime || data.server_time;
        data.items.forEach(function (it) {
          var list = state.revs[it.ref] = state.revs[it.ref] || [];
          if (!list.some(function (x) { return x[0] === it.colour && x[1] === it.at_unix; })) list.push([it.colour, it.at_unix]);
        });
        if (data.next_cursor) return page(data.next_cursor);
      });
    }
    return page("").then(function () {
      if (serverTime === null) return;
      state.offset = Date.parse(serverTime) - Date.now();
      // Overlap by a few seconds: a revocation committed while we read is not missed.
      state.revSince = new Date(Date.parse(serverTime) - 5000).toISOString();
      pruneRevocations();
      save("revs", state.revs); save("revSince", state.revSince); save("offset", state.offset);
    });
  }
  function syncKeys() {
    return request("GET", config.keys).then(function (r) { if (!r.ok) throw new Error("keys"); return r.json(); })
      .then(function (data) { state.jwks = data; save("jwks", data); return importKeys(); });
  }
  function syncBundle() {
    return request("GET", config.offline).then(function (r) { if (!r.ok) throw new Error("offline " + r.status); return r.json(); })
      .then(function (data) {
        state.bundle = data; save("bundle", data);
        (data.revocations || []).forEach(function (it) {
          var list = state.revs[it[0]] = state.revs[it[0]] || [];
          if (!list.some(function (x) { return x[0] === it[1] && x[1] === it[2]; })) list.push([it[1], it[2]]);
        });
        save("revs", state.revs);
        if (state.revFromBundle) state.offset = data.synced_at * 1000 - Date.now();
        state.recent = state.recent.filter(function (u) { return u.at > data.synced_at; });
        save("recent", state.recent);
        if (data.reasons) config.reasons = data.reasons;
        index();
      });
  }
  function flush() {
    if (!state.queue.length) return Promise.resolve();
    var batch = state.queue.slice(0, BATCH);
    return request("POST", config.scans, { checkpoint_id: config.checkpoint, scans: batch }).then(function (r) {
      if (r.status === 200 || r.status === 422) {
        // 422: a batch the server cannot take will never be taken; keep the rest moving.
        var sent = {};
        batch.forEach(function (s) { sent[s.uuid] = true; });
        state.queue = state.queue.filter(function (s) { return !sent[s.uuid]; });
        save("queue", state.queue); showQueue();
        if (state.queue.length) return flush();
      } else {
        throw new Error("upload " + r.status);
      }
    });
  }
  function setOnline(online) {
    state.online = online;
    var net = document.getElementById("gate-net");
    net.textContent = online ? words.online : words.offline;
    net.dataset.online = online ? "1" : "0";
    root.dataset.state = online ? "online" : "offline";
  }
  function showQueue() { document.getElementById("gate-queue").textContent = String(state.queue.length); }
  var syncing = null, lastBundle = 0, lastKeys = 0;
  function sync(full) {
    if (syncing) return syncing;
    if (full === true) state.bundleStale = true;
    var now = Date.now();
    var steps = [];
    if (!state.jwks || now - lastKeys > 600000) steps.push(function () { return syncKeys().then(function () { lastKeys = Date.now(); }); });
    steps.push(syncRevocations);
    steps.push(flush);
    var every = state.revFromBundle ? 25000 : 55000;  // the bundle carries the revocations then
    if (!state.bundle || now - lastBundle > every || state.bundleStale) {
      steps.push(function () { return syncBundle().then(function () { lastBundle = Date.now(); state.bundleStale = false; }); });
    }
    syncing = steps.reduce(function (p, step) { return p.then(step); }, Promise.resolve())
      .then(function () { setOnline(true); root.dataset.synced = String(Date.now()); },
            function () { setOnline(false); })
      .finally(function () { syncing = null; });
    return syncing;
  }

  // --- deciding -------------------------------------------------------------------------------
  function decide(f) {
    if (f.underOrder) return { passed: false, reason: "under_order" };
    if (f.colour === "r") return { passed: false, reason: "colour_red" };
    if (f.colour !== "g") return { passed: false, reason: "colour_yellow" };
    if (f.temperature !== null && f.temperature >= config.fever) return { passed: false, reason: "fever" };
    if (f.mask === false) return { passed: false, reason: "no_mask" };
    var rule = config.levels[f.level];
    var hasPass = f.passState === "valid";
    if (!f.isResident) {
      if (hasPass) return onPass(f);
      return { passed: false, reason: f.passState === "expired" ? "pass_expired" : "not_resident" };
    }
    if (f.direction === "i" || rule.exit === "free") return { passed: true, reason: "ok" };
    if (hasPass) return onPass(f);
    if (rule.exit === "pass") return { passed: false, reason: "exit_closed" };
    if (!f.quotaLeft) return { passed: false, reason: "quota_used" };
    return { passed: true, reason: "ok", usesQuota: true };
  }
  function onPass(f) {
    if (f.direction === "o" && !f.passQuotaLeft) return { passed: false, reason: "pass_quota_used" };
    return { passed: true, reason: "ok", usesPass: f.direction === "o" };
  }

  function verifyToken(token) {
    var parts = token.trim().split(".");
    if (parts.length !== 3 || parts[0] !== "WG1") return Promise.resolve({ error: "code_malformed" });
    var payload, signature;
    try {
      payload = JSON.parse(new TextDecoder().decode(b64url(parts[1])));
      signature = b64url(parts[2]);
    } catch (e) { return Promise.resolve({ error: "code_malformed" }); }
    if (!payload || typeof payload.k !== "string" || typeof payload.r !== "string" || !(payload.c in RANK) ||
        !Number.isInteger(payload.i) || !Number.isInteger(payload.e) || payload.i > payload.e) {
      return Promise.resolve({ error: "code_malformed" });
    }
    var key = state.keys[payload.k];
    if (!key) return Promise.resolve({ error: "code_unknown_key" });
    var data = new TextEncoder().encode(parts[0] + "." + parts[1]);
    return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, data).then(function (ok) {
      if (!ok) return { error: "code_forged" };
      var now = Math.floor(serverNow() / 1000);
      if (payload.e <= now) return { error: "code_expired" };
      if (payload.i > now + 60) return { error: "code_malformed" };
      return { payload: payload };
    }, function () { return { error: "code_forged" }; });
  }

  function normalisePaper(text) {
    text = (text || "").trim();
    if (text.toUpperCase().indexOf("WGP1.") === 0) text = text.slice(5);
    return text.toUpperCase().replace(/[-\s]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  }
  function sha256hex(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buf) {
      return Array.prototype.map.call(new Uint8Array(buf), function (x) { return (x + 256).toString(16).slice(1); }).join("");
    });
  }

  function usedOutings(household, period) {
    var b = state.bundle, n = (b.outings && b.outings[household]) || 0;
    state.queue.forEach(function (s) { if (s.uses_quota && s._h === household && s._period === period) n++; });
    state.recent.forEach(function (u) { if (u.h === household && u.period === period) n++; });
    return n;
  }
  function usedPassExits(passId, day) {
    var b = state.bundle, n = (b.pass_exits && b.pass_exits[passId]) || 0;
    state.queue.forEach(function (s) { if (s.pass_id === passId && s._day === day && s.passed && s.direction === "out") n++; });
    state.recent.forEach(function (u) { if (u.pass === passId && u.day === day) n++; });
    return n;
  }
  function passFor(ref, nowS) {
    var list = state.passes[ref] || [];
    var valid = list.filter(function (p) { return p[2] <= nowS && nowS < p[3]; });
    if (valid.length) return { state: "valid", pass: valid[0] };
    return { state: list.length ? "expired" : "none", pass: null };
  }

  // Decide here, from the signature, the revocation list and the cache; queue the scan.
  function decideOnDevice(shown, musts) {
    var started = performance.now();
    var b = state.bundle;
    var identify;
    if (shown.token) {
      identify = verifyToken(shown.token).then(function (v) {
        if (v.error) return { error: v.error };
        var p = v.payload, colour = p.c;
        (state.revs[p.r] || []).forEach(function (x) { if (x[1] >= p.i) colour = worst(colour, x[0]); });
        return { ref: p.r, colour: colour, method: "token" };
      });
    } else {
      identify = sha256hex(normalisePaper(shown.paper)).then(function (h) {
        var ref = state.paper[h];
        if (!ref) return { error: "paper_code_unknown", method: "paper" };
        var r = state.residents[ref], colour = r ? r[4] : "g";
        (state.revs[ref] || []).forEach(function (x) { if (x[1] >= b.synced_at - 60) colour = worst(colour, x[0]); });
        return { ref: ref, colour: colour, method: "paper" };
      });
    }
    return identify.then(function (who) {
      var nowMs = serverNow(), nowS = Math.floor(nowMs / 1000);
      var direction = musts.direction === "in" ? "i" : "o";
      var resident = who.ref ? state.residents[who.ref] : null;
      var outcome, found = { state: "none", pass: null };
      var day = localDay(nowMs), period = b.period;
      if (who.error) {
        outcome = { passed: false, reason: who.error };
      } else {
        found = passFor(who.ref, nowS);
        var passQuota = found.pass && found.pass[4];
        outcome = decide({
          level: b.checkpoint.level, direction: direction, colour: who.colour,
          underOrder: !!(resident && resident[5]), isResident: !!resident, passState: found.state,
          temperature: musts.tenths, mask: musts.mask,
          quotaLeft: resident ? usedOutings(resident[1], period) < b.checkpoint.outing_people : true,
          passQuotaLeft: passQuota ? usedPassExits(found.pass[1], day) < passQuota : true
        });
      }
      var scan = {
        uuid: uuid4(), at: new Date(nowMs).toISOString(), direction: musts.direction,
        method: who.method || "token", ref: who.ref || "", colour: who.colour || "",
        passed: outcome.passed, reason: outcome.passed ? "" : outcome.reason,
        temperature: musts.tenths / 10, mask: musts.mask,
        pass_id: outcome.passed && found.pass ? found.pass[1] : null,
        uses_quota: !!outcome.usesQuota,
        _h: resident ? resident[1] : null, _period: period, _day: day
      };
      state.queue.push(scan); save("queue", state.queue); showQueue();
      var ms = performance.now() - started;
      show({ decision: outcome.passed ? "pass" : "refuse", reason: outcome.reason,
             name: resident ? resident[2] : (found.pass ? found.pass[6] : ""), door: resident ? resident[3] : "",
             colour: who.colour || "" }, "device", ms);
    });
  }

  function readMusts() {
    var text = document.getElementById("gate-temp").value.trim().replace(/[，,]/, ".");
    var m = /^([0-9]{2})(?:\.([0-9]))?$/.exec(text) || /^(3[4-9]|4[0-2])([0-9])$/.exec(text);
    var tenths = m ? Number(m[1]) * 10 + Number(m[2] || 0) : NaN;
    if (!(tenths >= 340 && tenths <= 430)) {
      show({ decision: "", reason: "", message: words.temp }, "", null);
      document.getElementById("gate-temp").focus();
      return null;
    }
    var direction = document.querySelector("input[name=direction]:checked").value;
    return { tenths: tenths, temperature: (tenths / 10).toFixed(1), mask: document.getElementById("gate-mask").checked,
             direction: direction };
  }

  function show(result, source, ms) {
    var out = document.getElementById("gate-result");
    out.dataset.decision = result.decision || "";
    out.dataset.reason = result.reason || "";
    out.dataset.source = source || "";
    out.dataset.ms = ms === null || ms === undefined ? "" : ms.toFixed(1);
    document.getElementById("gate-verdict").textContent =
      result.decision === "pass" ? words.pass : result.decision === "refuse" ? words.refuse : "";
    document.getElementById("gate-reason").textContent = result.message ||
      (result.decision === "refuse" ? (result.reason_text || config.reasons[result.reason] || result.reason) : "");
    document.getElementById("gate-who").textContent = [result.name, result.door].filter(Boolean).join(" · ");
  }

  function check(shown) {
    var musts = readMusts();
    if (!musts) return Promise.resolve();
    if (shown.id && state.online === false) {
      show({ decision: "", message: words.noid }, "", null);
      return Promise.resolve();
    }
    var body = { checkpoint_id: config.checkpoint, direction: musts.direction, temperature: musts.temperature,
                 mask: musts.mask, token: shown.token || "", paper_code: shown.paper || "", id_number: shown.id || "",
                 uuid: uuid4() };
    var answered = false;
    return request("POST", config.scan, body).then(function (r) {
      // A server that answers with a 5xx is as good as unreachable: decide here.
      if (r.status >= 500) throw new Error("server " + r.status);
      return r.json().then(function (data) {
        answered = true;
        if (r.ok) {
          setOnline(true);
          // Someone the cache does not know yet (a first code, a new pass): refresh it on the next sync.
          if (shown.token && !knownRef(shown.token)) state.bundleStale = true;
          if (data.decision === "pass" && musts.direction === "out") rememberOnlineUse(shown, data);
          show(data, "server", null);
        } else {
          show({ decision: "", message: data.message || String(r.status) }, "server", null);
        }
      });
    }).catch(function () {
      if (answered) return;
      setOnline(false);
      if (shown.id) { show({ decision: "", message: words.noid }, "", null); return; }
      return decideOnDevice(shown, musts);
    }).then(clearInputs);
  }
  // An exit decided online takes a place the cache does not know of until its next refresh.
  function rememberOnlineUse(shown, data) {
    if (!state.bundle || !shown.token) return;
    try {
      var p = JSON.parse(new TextDecoder().decode(b64url(shown.token.trim().split(".")[1])));
      var r = state.residents[p.r], nowMs = serverNow(), found = passFor(p.r, Math.floor(nowMs / 1000));
      var use = { at: Math.floor(nowMs / 1000), h: null, period: state.bundle.period, pass: null, day: localDay(nowMs) };
      if (found.pass && (data.pass_kind || !r)) use.pass = found.pass[1];
      else if (r && state.bundle.checkpoint.level === "closed") use.h = r[1];
      else return;
      state.recent.push(use); save("recent", state.recent);
    } catch (e) { /* not a token we can read: the next refresh knows */ }
  }
  function knownRef(token) {
    try { return !!state.residents[JSON.parse(new TextDecoder().decode(b64url(token.trim().split(".")[1]))).r]; }
    catch (e) { return true; }
  }
  function clearInputs() {
    ["gate-token", "gate-paper", "gate-id"].forEach(function (id) { document.getElementById(id).value = ""; });
  }

  function shownFrom(text) {
    text = (text || "").trim();
    if (text.indexOf("WG1.") === 0) return { token: text };
    return { paper: text };
  }

  // --- the camera -------------------------------------------------------------------------------
  var scanning = false;
  function startCamera() {
    var video = document.getElementById("gate-video");
    if (scanning) { stopCamera(); return; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      show({ decision: "", message: words.nocamera }, "", null); return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      scanning = true; video.hidden = false; video.srcObject = stream; video.play();
      var detector = ("BarcodeDetector" in window) ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
      var canvas = document.createElement("canvas"), ctx = canvas.getContext("2d", { willReadFrequently: true });
      function frame() {
        if (!scanning) return;
        if (video.readyState < 2) { requestAnimationFrame(frame); return; }
        var found = detector
          ? detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; }, function () { return null; })
          : Promise.resolve((function () {
              canvas.width = video.videoWidth; canvas.height = video.videoHeight;
              ctx.drawImage(video, 0, 0);
              var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
              var code = window.jsQR && window.jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
              return code ? code.data : null;
            })());
        found.then(function (text) {
          if (text) { stopCamera(); check(shownFrom(text)); } else { setTimeout(frame, 120); }
        });
      }
      frame();
    }, function () { show({ decision: "", message: words.nocamera }, "", null); });
  }
  function stopCamera() {
    var video = document.getElementById("gate-video");
    scanning = false;
    if (video.srcObject) video.srcObject.getTracks().forEach(function (t) { t.stop(); });
    video.srcObject = null; video.hidden = true;
  }

  // --- wiring -----------------------------------------------------------------------------------
  document.getElementById("gate-check").addEventListener("click", function () {
    var text = document.getElementById("gate-token").value;
    if (text.trim()) check(shownFrom(text));
  });
  document.getElementById("gate-check-fallback").addEventListener("click", function () {
    var paper = document.getElementById("gate-paper").value.trim(), id = document.getElementById("gate-id").value.trim();
    if (paper) check({ paper: paper }); else if (id) check({ id: id });
  });
  document.getElementById("gate-camera").addEventListener("click", startCamera);
  window.addEventListener("online", function () { state.bundleStale = true; sync(); });
  window.addEventListener("offline", function () { setOnline(false); });

  index(); showQueue();
  importKeys().then(sync);
  setInterval(sync, 30000);
  // For the tests and the curious: the state of the gate, read-only.
  window.wanggeGate = { sync: sync, state: state };
})();
