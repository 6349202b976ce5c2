/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sealed console (issue 7): a single page over the daemon's /v1/ API.
 * Views are hash routes rendered into <main>: #/signin, #/queue,
 * #/requests/ID, #/ledger, #/audit, #/access. Everything is built with DOM
 * calls and textContent (never innerHTML), so nothing a server or a request
 * document holds can become markup. The bearer token lives in
 * sessionStorage only and travels only in the Authorization header; nothing
 * here writes to the browser's console. The ledger checks (the checkpoint's
 * Ed25519 signed-note signature, the tree root recomputed from the public
 * tiles, inclusion proofs) use WebCrypto and follow C2SP signed-note,
 * C2SP tlog-tiles and RFC 9162 §2.1.
 */
'use strict';

(function () {
    const TOKEN_KEY = 'sealed.token';
    const VKEY_KEY = 'sealed.vkey';
    const STAFF = ['requester', 'reviewer', 'cover_approver', 'hq_approver', 'privacy_officer'];
    const APPROVERS = ['reviewer', 'cover_approver', 'hq_approver'];
    const PAGE = 50;

    /* ---- small DOM helpers ------------------------------------------------ */
    function h(tag, attrs, ...kids) {
        const el = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs || {})) {
            if (v === null || v === undefined || v === false) continue;
            if (k === 'class') el.className = v;
            else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
            else if (v === true) el.setAttribute(k, '');
            else el.setAttribute(k, String(v));
        }
        for (const kid of kids.flat(Infinity)) {
            if (kid === null || kid === undefined || kid === false) continue;
            el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
        }
        return el;
    }
    const $ = (sel) => document.querySelector(sel);
    let uid = 0;
    const nextId = (p) => `${p}-${++uid}`;

    function dl(rows) {
        const d = h('dl', { class: 'facts' });
        for (const [k, v] of rows) {
            if (v === undefined || v === null || v === '') continue;
            d.append(h('div', {}, h('dt', {}, k), h('dd', {}, v)));
        }
        return d;
    }
    function day(t) {
        return typeof t === 'string' ? t.slice(0, 10) : '';
    }
    const STATE_LABEL = {
        review: 'Awaiting review', active: 'Active', refused: 'Refused', denied: 'Denied',
        approved: 'Approved', closed: 'Closed', expired: 'Expired', extended: 'Extended',
        consent_pending: 'Awaiting consent', violation: 'Violation',
    };
    function badge(state) {
        return h('span', { class: `badge badge-${String(state).replace(/[^a-z_-]/g, '')}` },
            STATE_LABEL[state] || String(state));
    }
    /* The emergency follow-up deadline as the daemon stored it (never
     * recomputed here), with the hours the API says are left; once the
     * request is decided the deadline says what became of it instead. */
    function followUp(e, state) {
        if (!e || typeof e.follow_up_by !== 'string') return null;
        const when = h('time', { datetime: e.follow_up_by }, e.follow_up_by.replace('T', ' ').replace(/:00Z$/, ' UTC'));
        let tail = '';
        if (e.confirmed) tail = ' · confirmed';
        else if (state === 'violation') tail = ' · missed';
        else if (state === 'active' || state === 'review') {
            tail = typeof e.hours_left === 'number' && e.hours_left > 0 ? ` · ${e.hours_left} h left` : ' · due now';
        }
        return h('span', { class: 'follow-up' }, when, tail);
    }
    function decisionBadge(d) {
        const label = { approved: 'Approved', review: 'Needs review', refused: 'Refused' }[d] || d;
        return h('span', { class: `badge badge-d-${String(d).replace(/[^a-z_-]/g, '')}` }, label);
    }

    /* ---- status line and errors ------------------------------------------- */
    function say(text) {
        const s = $('#status');
        s.textContent = text;
        s.classList.toggle('status-on', !!text);
    }
    class Problem extends Error {
        constructor(status, p) {
            super(p.title || `HTTP ${status}`);
            this.status = status;
            this.title = p.title || `HTTP ${status}`;
            this.detail = p.detail || '';
            this.pointer = p.pointer;
            this.type = p.type || '';
        }
    }
    function errorBox(err, what) {
        const title = err instanceof Problem ? err.title : 'network error';
        const detail = err instanceof Problem ? err.detail : 'the server could not be reached';
        const box = h('div', { class: 'error', role: 'alert' },
            h('p', { class: 'error-title' }, `${what ? what + ': ' : ''}${title}`),
            detail ? h('p', { class: 'error-detail' }, detail) : null,
            err instanceof Problem && err.pointer ? h('p', { class: 'error-detail' }, 'At ', h('code', {}, err.pointer)) : null);
        if (err instanceof Problem && err.status === 401 && ME)
            box.append(h('p', {}, h('a', { href: '#/signin' }, 'Sign in again')));
        return box;
    }

    /* ---- the API ---------------------------------------------------------- */
    const token = () => sessionStorage.getItem(TOKEN_KEY) || '';
    async function api(path, opts = {}) {
        const headers = { Accept: 'application/json, application/problem+json, text/plain' };
        const tok = opts.token !== undefined ? opts.token : token();
        if (tok && opts.auth !== false) headers.Authorization = `Bearer ${tok}`;
        let body;
        if (opts.body !== undefined) {
            headers['Content-Type'] = 'application/json';
            body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        }
        let res;
        try {
            res = await fetch(path, {
                method: opts.method || 'GET', headers, body,
                credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer',
            });
        } catch (e) {
            throw new Problem(0, { title: 'network error', detail: 'the server could not be reached' });
        }
        const ctype = res.headers.get('Content-Type') || '';
        if (!res.ok) {
            let p = {};
            try {
                p = ctype.includes('json') ? await res.json() : { detail: (await res.text()).slice(0, 200) };
            } catch (e) { /* a body that is not JSON: status only */ }
            throw new Problem(res.status, p);
        }
        if (opts.bytes) return new Uint8Array(await res.arrayBuffer());
        if (ctype.includes('json')) return res.json();
        return res.text();
    }
    /* a route the daemon does not have yet answers 404 "no such route" */
    const missingRoute = (e) => e instanceof Problem && (e.status === 404 || e.status === 405) &&
        /route/.test(e.detail || '');

    /* ---- who is signed in ------------------------------------------------- */
    let ME = null; /* {id, agency, roles: [...], known: bool} */
    let wanted = ''; /* the page asked for before signing in */
    function has(...roles) {
        if (!ME) return false;
        if (!ME.known) return true;
        return roles.some((r) => ME.roles.includes(r));
    }
    async function whoami(tok) {
        try {
            const m = await api('/v1/me', { token: tok });
            const roles = Array.isArray(m.roles) ? m.roles : m.role ? [m.role] : [];
            return { id: m.id || m.principal || '', agency: m.agency || '', roles, known: true,
                testClock: m.test_clock === true };
        } catch (e) {
            if (!missingRoute(e)) throw e;
        }
        /* no /v1/me on this daemon: any authenticated route tells a good
         * token from a bad one (403 means good token, other role) */
        try {
            await api('/v1/requests', { token: tok });
        } catch (e) {
            if (!(e instanceof Problem && e.status === 403)) throw e;
        }
        return { id: '', agency: '', roles: [], known: false };
    }
    function paintWho() {
        const who = $('#who-text');
        if (!ME) who.textContent = 'Not signed in';
        else if (ME.known) who.textContent = `${ME.id}${ME.agency ? ' · ' + ME.agency : ''} · ${ME.roles.join(', ')}`;
        else who.textContent = 'Signed in (roles unknown)';
        /* a directory made with `sealctl init --test-clock` says so on every page */
        $('#test-clock').hidden = !(ME && ME.testClock);
        $('#signout').hidden = !ME;
        $('#signin-link').hidden = !!ME;
        for (const li of document.querySelectorAll('#nav li')) {
            const need = li.dataset.need.split(' ');
            let show = need.includes('public') || (ME && (!ME.known ||
                need.some((n) => (n === 'staff' ? has(...STAFF) : ME.roles.includes(n)))));
            li.hidden = !show;
        }
        const here = location.hash.split('/')[1] || '';
        for (const a of document.querySelectorAll('#nav a')) {
            const target = a.getAttribute('href').split('/')[1];
            if (target === here || (here === 'requests' && target === 'queue')) a.setAttribute('aria-current', 'page');
            else a.removeAttribute('aria-current');
        }
    }

    /* ---- views ------------------------------------------------------------ */
    function page(title, ...kids) {
        const main = $('#main');
        main.replaceChildren(h('h1', { id: 'page-title', tabindex: '-1' }, title), ...kids);
        document.title = `${title} · sealed console`;
        return main;
    }
    function focusTitle() {
        const t = $('#page-title');
        if (t) t.focus({ preventScroll: false });
    }

    function viewSignin() {
        const tid = nextId('token');
        const hint = nextId('hint');
        const eid = nextId('signin-error');
        const err = h('div', { id: eid });
        const input = h('input', {
            id: tid, name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false',
            required: true, 'aria-describedby': `${hint} ${eid}`, class: 'mono wide',
        });
        const form = h('form', { class: 'card narrow', novalidate: true },
            h('div', { class: 'field' },
                h('label', { for: tid }, 'Bearer token'),
                input,
                h('p', { id: hint, class: 'hint' },
                    'Paste the token from ', h('code', {}, 'sealctl token issue YOUR-ID'),
                    '. It is kept in this tab only and forgotten when the tab closes.')),
            h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in')),
            err);
        form.addEventListener('submit', async (ev) => {
            ev.preventDefault();
            err.replaceChildren();
            const tok = input.value.trim();
            if (!tok) {
                err.append(errorBox(new Problem(400, { title: 'token required', detail: 'paste your bearer token' }), 'Sign in failed'));
                input.focus();
                return;
            }
            say('Signing in…');
            try {
                const me = await whoami(tok);
                sessionStorage.setItem(TOKEN_KEY, tok);
                ME = me;
                input.value = '';
                say('Signed in.');
                const to = wanted || home();
                wanted = '';
                if (location.hash === to) route();
                else location.hash = to;
            } catch (e) {
                say('');
                err.append(errorBox(e, 'Sign in failed'));
                input.setAttribute('aria-invalid', 'true');
                input.select();
                input.focus();
            }
        });
        page('Sign in', h('p', { class: 'lede' }, 'Reviewers, auditors and subjects sign in with the bearer token their privacy officer issued.'), form,
            h('p', { class: 'hint' }, 'The ledger\u2019s checkpoint is public: ', h('a', { href: '#/ledger' }, 'view it without signing in'), '.'));
    }
    function home() {
        if (!ME) return '#/signin';
        if (!ME.known || has(...STAFF)) return '#/queue';
        if (ME.roles.includes('auditor')) return '#/audit';
        if (ME.roles.includes('subject')) return '#/access';
        return '#/ledger';
    }

    async function viewQueue() {
        const main = page('Request queue', h('p', { class: 'loading' }, 'Loading requests…'));
        let list;
        try {
            list = await api('/v1/requests');
        } catch (e) {
            main.lastChild.replaceWith(errorBox(e, 'Could not load the queue'));
            return;
        }
        if (!Array.isArray(list)) list = list.requests || [];
        const waiting = list.filter((r) => r.state === 'review').length;
        const states = [...new Set(list.map((r) => r.state))].sort();
        const fid = nextId('filter');
        const select = h('select', { id: fid },
            h('option', { value: '' }, `All states (${list.length})`),
            states.map((s) => h('option', { value: s }, `${STATE_LABEL[s] || s} (${list.filter((r) => r.state === s).length})`)));
        const tbody = h('tbody', {});
        const table = h('table', { class: 'grid' },
            h('caption', {}, `${list.length} requests, ${waiting} awaiting review`),
            h('thead', {}, h('tr', {},
                ['Request', 'State', 'Agency', 'Submitter', 'Basis', 'Policy', 'Submitted', 'Days left', 'Follow-up by', 'Needs']
                    .map((c) => h('th', { scope: 'col', class: c === 'Days left' ? 'num' : null }, c)))),
            tbody);
        function fill() {
            const want = select.value;
            tbody.replaceChildren(...list.filter((r) => !want || r.state === want).map((r) => {
                const needs = r.needs ? Object.entries(r.needs).map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`).join(', ') : '';
                const dl = typeof r.days_left === 'number' ? r.days_left : null;
                return h('tr', { class: r.state === 'review' ? 'row-review' : null },
                    h('th', { scope: 'row' }, h('a', { href: `#/requests/${encodeURIComponent(r.id)}` }, r.id)),
                    h('td', {}, badge(r.state)),
                    h('td', {}, r.agency || ''),
                    h('td', {}, r.submitter || ''),
                    h('td', {}, r.basis || ''),
                    h('td', {}, r.policy || ''),
                    h('td', {}, day(r.submitted)),
                    h('td', { class: `num${dl !== null && dl <= 7 ? ' soon' : ''}` }, dl === null ? '—' : String(dl)),
                    h('td', {}, followUp(r.emergency, r.state) || '—'),
                    h('td', {}, needs || '—',
                        // PA-7 / MC-9: the requesting agency is told of the violation
                        r.emergency && r.emergency.violation
                            ? h('span', { class: 'violation-note' }, ` — ${r.emergency.violation.message} (${r.emergency.violation.rule})`) : ''));
            }));
        }
        select.addEventListener('change', fill);
        fill();
        main.lastChild.replaceWith(
            h('div', { class: 'toolbar' }, h('label', { for: fid }, 'Show'), select),
            list.length ? h('div', { class: 'table-wrap' }, table) : h('p', {}, 'No requests are visible to you.'));
    }

    function reasonsList(reasons) {
        if (!reasons || !reasons.length) return h('p', { class: 'muted' }, 'No reasons: every rule is satisfied.');
        return h('ul', { class: 'reasons' }, reasons.map((r) => h('li', {},
            h('span', { class: 'reason-msg' }, r.message || r.code),
            h('span', { class: 'reason-meta' },
                h('code', {}, r.code || ''), r.rule ? ` · rule ${r.rule}` : '',
                r.pointer ? ' · at ' : '', r.pointer ? h('code', {}, r.pointer) : ''))));
    }

    function documentSection(doc) {
        const lb = doc.legal_basis || {};
        const pu = doc.purpose || {};
        const subjects = (doc.subjects || []).map((s) => h('li', { class: 'subject' },
            h('span', { class: 'tag' }, s.type || 'subject'), ' ',
            Object.entries(s).filter(([k]) => k !== 'type').map(([k, v], i) => [i ? ' · ' : '',
                h('span', { class: 'k' }, k.replace(/_/g, ' ') + ' '), typeof v === 'object' ? JSON.stringify(v) : String(v)])));
        return h('section', { class: 'card', 'aria-labelledby': 'doc-h' },
            h('h2', { id: 'doc-h' }, 'The request document'),
            dl([
                ['Official', doc.official],
                ['Legal basis', [lb.type, lb.reference].filter(Boolean).join(' ')],
                ['Issued by', lb.issued_by],
                ['Issued', day(lb.issued_at)],
                ['Expires', day(lb.expires_at)],
                ['Purpose', [pu.activity && pu.activity.replace(/_/g, ' '), pu.offense].filter(Boolean).join(' · ')],
                ['Categories', (doc.categories || []).join(', ')],
                ['Window', doc.window ? `${doc.window.from} to ${doc.window.to}` : ''],
            ]),
            lb.facts ? h('div', { class: 'facts-text' }, h('h3', {}, 'Facts stated'), h('p', {}, lb.facts)) : null,
            subjects.length ? h('div', {}, h('h3', {}, 'Subjects'), h('ul', { class: 'plain' }, subjects)) : null);
    }

    async function viewRequest(id) {
        const main = page(`Request ${id}`, h('p', { class: 'loading' }, 'Loading the request…'));
        let req;
        try {
            req = await api(`/v1/requests/${encodeURIComponent(id)}?document=true`);
        } catch (e) {
            main.lastChild.replaceWith(errorBox(e, 'Could not load the request'));
            return;
        }
        const needs = req.needs ? Object.entries(req.needs).map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`).join(', ') : '';
        const summary = h('section', { class: 'card', 'aria-labelledby': 'sum-h' },
            h('h2', { id: 'sum-h' }, 'Summary'),
            dl([
                ['State', badge(req.state)],
                ['Agency', req.agency],
                ['Submitted by', req.submitter],
                ['Basis', req.basis],
                ['Policy', req.policy],
                ['Submitted', day(req.submitted)],
                ['Ends', req.ends],
                ['Days left', typeof req.days_left === 'number' ? String(req.days_left) : ''],
                ['Emergency follow-up by', followUp(req.emergency, req.state)],
                ['Still needs', needs],
                ['Notice sent', req.notice_sent === undefined ? '' : req.notice_sent ? 'yes' : 'no'],
                ['Follow-up due', req.emergency ? `${req.emergency.follow_up_by}${req.emergency.confirmed ? ' (confirmed)' : ''}` : ''],
            ]),
            req.emergency && req.emergency.violation
                ? h('p', { class: 'violation-note', role: 'alert' },
                    `${req.emergency.violation.message} (${req.emergency.violation.rule}).`) : null,
            req.approvals && req.approvals.length ? h('div', {}, h('h3', {}, 'Approvals'),
                h('ul', { class: 'plain' }, req.approvals.map((a) => h('li', {},
                    `${a.decision === 'approve' ? 'Approved' : a.decision === 'deny' ? 'Denied' : a.decision} by ${a.principal} (${(a.role || '').replace(/_/g, ' ')}) on ${day(a.at)}`,
                    a.note ? h('span', { class: 'note' }, ` — “${a.note}”`) : '')))) : null);

        const reasonsSec = h('section', { class: 'card', 'aria-labelledby': 'why-h' },
            h('h2', { id: 'why-h' }, 'Re-check under today\u2019s rules'), h('p', { class: 'loading' }, 'Checking…'));
        const compareSec = h('section', { class: 'card', 'aria-labelledby': 'cmp-h' },
            h('h2', { id: 'cmp-h' }, 'Re-check under each shipped policy'), h('p', { class: 'loading' }, 'Checking…'));
        /* The re-check runs the stored document through today's rules; it
         * never stands for the request's state. Once decided, that state
         * leads and the re-check is only for information. */
        const decided = req.state !== 'review';
        const grid = h('div', { class: 'two' }, summary, req.document ? documentSection(req.document) : h('section', { class: 'card' }, h('h2', {}, 'The request document'), h('p', { class: 'muted' }, 'You may not see this request\u2019s document.')));
        main.lastChild.replaceWith(h('p', {}, h('a', { href: '#/queue' }, '← Back to the queue')), grid, reasonsSec, compareSec);
        if (req.state === 'review' && has(...APPROVERS)) main.append(reviewForm(req));

        if (!req.document) {
            reasonsSec.lastChild.replaceWith(h('p', { class: 'muted' }, 'Without the document the policies cannot be compared.'));
            compareSec.remove();
            return;
        }
        try {
            const cmp = await api('/v1/requests/check?compare=true', { method: 'POST', body: req.document });
            const ds = cmp.decisions || [cmp];
            const mine = ds.find((d) => d.policy && d.policy.name === req.policy) || ds[0];
            const said = decided ? h('strong', {}, decisionBadge(mine.decision).textContent.toLowerCase()) : decisionBadge(mine.decision);
            reasonsSec.lastChild.replaceWith(
                decided ? h('p', { class: 'decided' }, 'Decided: ', badge(req.state),
                    '. The re-check below is for information only: it does not change the decided state.') : '',
                h('p', { class: decided ? 'muted' : null }, 'Under ', h('strong', {}, mine.policy.name),
                    ', the policy this request was submitted under, a re-check under today\u2019s rules says ', said, '.'),
                reasonsList(mine.reasons));
            const cols = ds.map((d) => h('div', { class: `policy-col${d.policy.name === req.policy ? ' policy-own' : ''}` },
                h('h3', {}, d.policy.name, d.policy.name === req.policy ? [' ', h('span', { class: 'tag' }, 'submitted under')] : ''),
                h('p', {}, decided ? h('span', { class: 'muted' }, `Re-check: ${decisionBadge(d.decision).textContent.toLowerCase()}`) : decisionBadge(d.decision)),
                reasonsList(d.reasons),
                h('p', { class: 'hash' }, 'sha256 ', h('code', { title: d.policy.sha256 }, (d.policy.sha256 || '').slice(0, 16) + '…'))));
            compareSec.lastChild.replaceWith(h('div', { class: 'policy-cols', role: 'group', 'aria-label': 'Policies side by side' }, cols));
        } catch (e) {
            reasonsSec.lastChild.replaceWith(errorBox(e, 'Could not check the document'));
            compareSec.lastChild.replaceWith(h('p', { class: 'muted' }, 'Not available.'));
        }
    }

    function reviewForm(req) {
        const nid = nextId('note');
        const cid = nextId('count');
        const err = h('div', {});
        const note = h('textarea', { id: nid, name: 'note', rows: '4', maxlength: '2000', 'aria-describedby': cid });
        const count = h('p', { id: cid, class: 'hint' }, 'Up to 2000 characters. Recorded with your decision.');
        const radio = (value, label, desc) => {
            const rid = nextId('decision');
            return h('div', { class: 'choice' },
                h('input', { type: 'radio', name: 'decision', id: rid, value, required: true }),
                h('label', { for: rid }, h('strong', {}, label), h('span', { class: 'hint' }, ` ${desc}`)));
        };
        const form = h('form', { class: 'card review', 'aria-labelledby': 'rev-h', novalidate: true },
            h('h2', { id: 'rev-h' }, 'Your decision'),
            h('fieldset', {},
                h('legend', {}, `Decision on ${req.id}`),
                radio('approve', 'Approve', '— the request is particular, lawful and within its window.'),
                radio('deny', 'Deny', '— the request does not meet the policy.')),
            h('div', { class: 'field' }, h('label', { for: nid }, 'Note'), note, count),
            h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Record decision')),
            err);
        note.addEventListener('input', () => {
            count.textContent = `${note.value.length} of 2000 characters. Recorded with your decision.`;
        });
        form.addEventListener('submit', async (ev) => {
            ev.preventDefault();
            err.replaceChildren();
            const choice = form.querySelector('input[name=decision]:checked');
            if (!choice) {
                err.append(errorBox(new Problem(400, { title: 'choose a decision', detail: 'select Approve or Deny' }), 'Not recorded'));
                form.querySelector('input[name=decision]').focus();
                return;
            }
            const btn = form.querySelector('button');
            btn.disabled = true;
            say('Recording your decision…');
            try {
                const body = { approve: choice.value === 'approve' };
                if (note.value.trim()) body.note = note.value.trim();
                const r = await api(`/v1/requests/${encodeURIComponent(req.id)}/review`, { method: 'POST', body });
                await viewRequest(req.id);
                say(`Decision recorded: ${r.id} is now ${STATE_LABEL[r.state] ? STATE_LABEL[r.state].toLowerCase() : r.state}.`);
                focusTitle();
            } catch (e) {
                say('');
                btn.disabled = false;
                err.append(errorBox(e, 'Not recorded'));
            }
        });
        return form;
    }

    /* ---- bytes, hashes, signed notes, tiles -------------------------------- */
    const enc = new TextEncoder();
    const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    function b64(s) {
        const bin = atob(s);
        return Uint8Array.from(bin, (c) => c.charCodeAt(0));
    }
    const cat = (...parts) => {
        const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let o = 0;
        for (const p of parts) { out.set(p, o); o += p.length; }
        return out;
    };
    const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
    async function sha256(b) {
        if (!crypto.subtle) throw new Error('WebCrypto is not available (needs https or localhost)');
        return new Uint8Array(await crypto.subtle.digest('SHA-256', b));
    }
    /* RFC 9162 §2.1.1: leaf and interior node hashes */
    const leafHash = (entry) => sha256(cat(Uint8Array.of(0), entry));
    const nodeHash = (l, r) => sha256(cat(Uint8Array.of(1), l, r));

    /* C2SP signed-note: text, a blank line, then "— NAME BASE64(keyhash4||sig)" lines */
    function parseNote(text) {
        const cut = text.lastIndexOf('\n\n');
        if (cut < 0) throw new Error('not a signed note');
        const body = text.slice(0, cut + 1);
        const lines = body.split('\n');
        const sigs = text.slice(cut + 2).split('\n').filter(Boolean).map((l) => {
            const m = /^\u2014 (\S+) (\S+)$/.exec(l);
            if (!m) throw new Error('malformed signature line');
            const raw = b64(m[2]);
            return { name: m[1], keyId: hex(raw.slice(0, 4)), sig: raw.slice(4) };
        });
        return { body, origin: lines[0], size: Number(lines[1]), rootB64: lines[2], root: b64(lines[2] || ''), sigs };
    }
    /* a verifier key: NAME+KEYID+BASE64(0x01 || 32-byte Ed25519 key) */
    function parseVkey(s) {
        const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(s.trim());
        if (!m) throw new Error('not a verifier key (NAME+KEYID+KEY)');
        const raw = b64(m[3]);
        if (raw.length !== 33 || raw[0] !== 1) throw new Error('not an Ed25519 verifier key');
        return { name: m[1], keyId: m[2], key: raw.slice(1) };
    }
    async function verifyNote(note, vkeyText) {
        const vk = parseVkey(vkeyText);
        const id = hex((await sha256(cat(enc.encode(vk.name + '\n'), Uint8Array.of(1), vk.key))).slice(0, 4));
        if (id !== vk.keyId) throw new Error('the key id does not match the key');
        const sig = note.sigs.find((s) => s.name === vk.name && s.keyId === vk.keyId);
        if (!sig) return { ok: false, why: `no signature by ${vk.name}+${vk.keyId}` };
        let key;
        try {
            key = await crypto.subtle.importKey('raw', vk.key, { name: 'Ed25519' }, false, ['verify']);
        } catch (e) {
            throw new Error('this browser cannot check Ed25519 signatures');
        }
        const ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, sig.sig, enc.encode(note.body));
        return { ok, why: ok ? '' : 'the signature does not verify' };
    }

    /* C2SP tlog-tiles paths: index in 3-digit groups, x-prefixed but the last */
    function tileIndex(n) {
        const parts = [];
        do { parts.unshift(String(n % 1000).padStart(3, '0')); n = Math.floor(n / 1000); } while (n > 0);
        return parts.map((p, i) => (i < parts.length - 1 ? 'x' + p : p)).join('/');
    }
    function makeTiles(size) {
        const cache = new Map();
        async function tile(level, index, width) {
            const path = `/v1/ledger/tile/${level}/${tileIndex(index)}${width < 256 ? '.p/' + width : ''}`;
            if (!cache.has(path)) {
                /* a partial tile is deleted once a wider one replaces it (the
                 * log grew since the checkpoint): the full tile starts with
                 * the same bytes (C2SP tlog-tiles) */
                const full = `/v1/ledger/tile/${level}/${tileIndex(index)}`;
                cache.set(path, api(path, { bytes: true, auth: false }).catch((e) => {
                    if (width < 256 && e instanceof Problem && e.status === 404)
                        return api(full, { bytes: true, auth: false }).catch(() => {
                            throw new Error('the ledger grew while it was read; reload the page');
                        });
                    throw e;
                }));
            }
            return cache.get(path);
        }
        /* the stored hash at Merkle level 8L, index k: tile level L */
        async function stored(L, k) {
            const count = Math.floor(size / 256 ** L);
            const t = Math.floor(k / 256);
            const w = Math.min(256, count - t * 256);
            const b = await tile(L, t, w);
            const o = (k % 256) * 32;
            if (b.length < o + 32) throw new Error('a tile is shorter than the checkpoint says');
            return b.slice(o, o + 32);
        }
        /* the hash of the full subtree of 2^h leaves starting at leaf k*2^h */
        async function node(hgt, k) {
            if (hgt % 8 === 0) return stored(hgt / 8, k);
            return nodeHash(await node(hgt - 1, 2 * k), await node(hgt - 1, 2 * k + 1));
        }
        /* RFC 9162 §2.1.1 MTH over [0, size): the full subtrees of size's bits */
        async function root() {
            if (size === 0) return sha256(new Uint8Array(0));
            const subs = [];
            let start = 0;
            for (let hgt = 52; hgt >= 0; hgt--) {
                const w = 2 ** hgt;
                if (size - start >= w) { subs.push(await node(hgt, start / w)); start += w; }
            }
            let r = subs.pop();
            while (subs.length) r = await nodeHash(subs.pop(), r);
            return r;
        }
        /* entries [from, from+n): entry bundles of big-endian u16 length + data */
        async function entries(from, n) {
            const out = [];
            for (let t = Math.floor(from / 256); t * 256 < from + n; t++) {
                const w = Math.min(256, size - t * 256);
                const b = await tile('entries', t, w);
                let o = 0;
                for (let i = 0; i < w; i++) {
                    const len = (b[o] << 8) | b[o + 1];
                    const data = b.slice(o + 2, o + 2 + len);
                    o += 2 + len;
                    const idx = t * 256 + i;
                    if (idx >= from && idx < from + n) out.push({ index: idx, data });
                }
            }
            return out;
        }
        return { root, entries, leaf: (i) => stored(0, i) };
    }
    /* RFC 9162 §2.1.3.2: verify an inclusion proof */
    async function verifyInclusion(index, size, leaf, proof, root) {
        if (index >= size) return false;
        let fn = index, sn = size - 1, r = leaf;
        for (const p of proof) {
            if (sn === 0) return false;
            if (fn % 2 === 1 || fn === sn) {
                r = await nodeHash(p, r);
                if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
            } else {
                r = await nodeHash(r, p);
            }
            fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
        }
        return sn === 0 && equal(r, root);
    }

    /* JSON with sorted keys, to compare two parses of one event */
    function canon(v) {
        if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
        if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canon(v[k])).join(',')}}`;
        return JSON.stringify(v);
    }
    function check(ok, yes, no) {
        return h('p', { class: ok ? 'ok' : 'bad' }, h('span', { class: 'mark', 'aria-hidden': 'true' }, ok ? '✓' : '✗'), ' ', ok ? yes : no);
    }

    /* ---- ledger ------------------------------------------------------------ */
    async function viewLedger() {
        const main = page('Ledger checkpoint', h('p', { class: 'loading' }, 'Loading the checkpoint…'));
        let text, note;
        try {
            text = await api('/v1/ledger/checkpoint', { auth: false });
            note = parseNote(text);
        } catch (e) {
            main.lastChild.replaceWith(e instanceof Problem ? errorBox(e, 'Could not load the checkpoint') :
                errorBox(new Problem(0, { title: 'unreadable checkpoint', detail: e.message })));
            return;
        }
        const cp = h('section', { class: 'card', 'aria-labelledby': 'cp-h' },
            h('h2', { id: 'cp-h' }, 'Latest checkpoint'),
            dl([
                ['Log', note.origin],
                ['Tree size', `${note.size} entries`],
                ['Root hash', h('code', { class: 'break' }, note.rootB64)],
                ['Signed by', note.sigs.map((s) => `${s.name} (key ${s.keyId})`).join(', ')],
            ]),
            h('details', {}, h('summary', {}, 'The signed note as served'), h('pre', { class: 'note-text' }, text)));
        const server = h('div', { class: 'verify-row' }, h('h3', {}, 'Server verification'), h('p', { class: 'loading' }, 'Asking the server…'));
        const tree = h('div', { class: 'verify-row' }, h('h3', {}, 'Tree root, recomputed here'), h('p', { class: 'loading' }, 'Reading the public tiles…'));
        const sigOut = h('div', {});
        const vid = nextId('vkey');
        const vkeyIn = h('input', { id: vid, class: 'mono wide', spellcheck: 'false', autocomplete: 'off', value: localStorage.getItem(VKEY_KEY) || '' });
        const sigForm = h('form', { class: 'verify-row' },
            h('h3', {}, 'Signature, checked here'),
            h('div', { class: 'field' }, h('label', { for: vid }, 'Log verifier key'), vkeyIn,
                h('p', { class: 'hint' }, 'The ledger\u2019s public key in signed-note form (', h('code', {}, 'NAME+KEYID+KEY'), '), e.g. from a production bundle\u2019s ', h('code', {}, 'ledger.vkey'), '. Get it from a source you trust, not only from this server.')),
            h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Check signature')),
            sigOut);
        const ver = h('section', { class: 'card', 'aria-labelledby': 'ver-h' }, h('h2', { id: 'ver-h' }, 'Did it verify?'), server, tree, sigForm);
        main.lastChild.replaceWith(h('div', { class: 'two' }, cp, ver));

        async function checkSig() {
            sigOut.replaceChildren();
            const v = vkeyIn.value.trim();
            if (!v) { sigOut.append(h('p', { class: 'muted' }, 'Paste a verifier key to check the signature.')); return; }
            try {
                const r = await verifyNote(note, v);
                localStorage.setItem(VKEY_KEY, v);
                sigOut.append(check(r.ok, `Signature valid: ${parseVkey(v).name} signed this checkpoint.`, `Signature NOT valid: ${r.why}.`));
            } catch (e) {
                sigOut.append(check(false, '', e.message));
            }
        }
        sigForm.addEventListener('submit', (ev) => { ev.preventDefault(); checkSig(); });

        (async () => {
            try {
                const r = await api('/v1/ledger/verify');
                const ok = r === true || (typeof r === 'object' && r.ok === true);
                const n = typeof r === 'object' && r.size !== undefined ? r.size : note.size;
                server.lastChild.replaceWith(check(ok, `The server verified the checkpoint\u2019s signature and the tree of its ${n} entries.`,
                    `The server reports the ledger did NOT verify${r && (r.error || r.detail) ? ': ' + (r.error || r.detail) : ''}.`));
                const vk = typeof r === 'object' && (r.vkey || r.ledger_vkey || r.verifier_key);
                if (vk && !vkeyIn.value) vkeyIn.value = vk;
            } catch (e) {
                if (missingRoute(e)) server.lastChild.replaceWith(h('p', { class: 'muted' }, 'This server does not offer a verification route yet.'));
                else if (e instanceof Problem && (e.status === 401 || e.status === 403)) server.lastChild.replaceWith(h('p', { class: 'muted' }, `Sign in with a role that may verify the ledger (${e.title}).`));
                else server.lastChild.replaceWith(errorBox(e, 'Verification failed'));
            }
            if (vkeyIn.value) checkSig();
        })();
        (async () => {
            try {
                const r = await makeTiles(note.size).root();
                tree.lastChild.replaceWith(check(equal(r, note.root),
                    `The ${note.size} entries\u2019 tiles hash to the checkpoint\u2019s root.`,
                    'The tiles do NOT hash to the checkpoint\u2019s root.'));
            } catch (e) {
                tree.lastChild.replaceWith(check(false, '', `Could not recompute the root: ${e.message}.`));
            }
        })();
    }

    /* ---- the auditor's view of the log ----------------------------------- */
    function eventRow(idx, ev, leafOk) {
        const ids = ev.ids || {};
        const rest = Object.entries(ids).filter(([k]) => !['actor', 'request'].includes(k)).map(([k, v]) => `${k}=${v}`);
        if (ev.commit) rest.push(...Object.entries(ev.commit).map(([k, v]) => `${k}=${String(v).slice(0, 12)}…`));
        return h('tr', {},
            h('th', { scope: 'row', class: 'num' }, String(idx)),
            h('td', { class: 'nowrap' }, ev.time ? ev.time.replace('T', ' ').replace('Z', '') : ''),
            h('td', {}, h('code', {}, ev.type || '?')),
            h('td', {}, ids.actor || ''),
            h('td', { class: 'nowrap' }, ids.request || ''),
            h('td', { class: 'small' }, rest.join(' · ')),
            h('td', { class: 'nowrap' }, leafOk === undefined ? '—' : h('span', { class: leafOk ? 'ok' : 'bad' }, leafOk ? '✓ in tree' : '✗ mismatch')));
    }
    async function viewAudit(params) {
        const main = page('Audit log', h('p', { class: 'loading' }, 'Loading the ledger…'));
        let note;
        try {
            note = parseNote(await api('/v1/ledger/checkpoint', { auth: false }));
        } catch (e) {
            main.lastChild.replaceWith(errorBox(e, 'Could not load the checkpoint'));
            return;
        }
        const size = note.size;
        if (!size) {
            main.lastChild.replaceWith(h('p', { class: 'muted' }, 'The ledger is empty.'));
            return;
        }
        let from = params.has('from') ? Math.max(0, Math.min(size - 1, Number(params.get('from')) || 0)) : Math.max(0, size - PAGE);
        const n = Math.min(PAGE, size - from);
        let rows = null;
        let source = '';
        try {
            const r = await api(`/v1/ledger/events?from=${from}&limit=${n}`);
            const list = Array.isArray(r) ? r : r.events || r.entries || [];
            rows = list.map((x, i) => {
                let ev = x.event !== undefined ? x.event : x.entry !== undefined ? x.entry : x;
                if (typeof ev === 'string') { try { ev = JSON.parse(ev); } catch (e) { ev = { type: '(not JSON)' }; } }
                return { index: x.index !== undefined ? x.index : from + i, ev };
            });
            source = 'from /v1/ledger/events, each checked against the signed tree\u2019s tiles';
        } catch (e) {
            if (!missingRoute(e)) {
                main.lastChild.replaceWith(errorBox(e, 'Could not load the events'));
                return;
            }
            source = 'read from the public tiles, each checked against its leaf hash';
        }
        /* the public tiles hold the same entries under the signed root: an
         * event the server lists counts as in the tree only if the entry at
         * its index hashes to the leaf and says the same thing */
        let tiled = [];
        const tiles = makeTiles(size);
        try {
            for (const g of await tiles.entries(from, n)) {
                let ev;
                try { ev = JSON.parse(new TextDecoder().decode(g.data)); } catch (e) { ev = { type: '(not JSON)' }; }
                tiled.push({ index: g.index, ev, ok: equal(await leafHash(g.data), await tiles.leaf(g.index)) });
            }
        } catch (e) {
            if (!rows) {
                main.lastChild.replaceWith(errorBox(e instanceof Problem ? e : new Problem(0, { title: 'unreadable tiles', detail: e.message }), 'Could not read the log'));
                return;
            }
            tiled = [];
        }
        if (rows) {
            const byIndex = new Map(tiled.map((t) => [t.index, t]));
            for (const row of rows) {
                const t = byIndex.get(row.index);
                row.ok = t ? t.ok && canon(t.ev) === canon(row.ev) : undefined;
            }
        } else {
            rows = tiled;
        }
        rows.sort((a, b) => b.index - a.index);
        const last = from + rows.length - 1;
        const nav = h('nav', { class: 'pager', 'aria-label': 'Log pages' },
            from > 0 ? h('a', { href: `#/audit?from=${Math.max(0, from - PAGE)}` }, '← Earlier entries') : h('span', {}),
            last < size - 1 ? h('a', { href: `#/audit?from=${last + 1}` }, 'Later entries →') : h('span', {}));
        const table = h('table', { class: 'grid' },
            h('caption', {}, rows.length ? `Entries ${from} to ${last} of ${size}, newest first (${source})` : 'The log is empty'),
            h('thead', {}, h('tr', {}, ['#', 'Time (UTC)', 'Event', 'Actor', 'Request', 'Other ids', 'Leaf']
                .map((c) => h('th', { scope: 'col', class: c === '#' ? 'num' : null }, c)))),
            h('tbody', {}, rows.map((r) => eventRow(r.index, r.ev, r.ok))));
        main.lastChild.replaceWith(
            h('p', { class: 'lede' }, `The ledger of ${note.origin} holds ${size} events. Entries carry ids and rule names, never personal data.`),
            h('div', { class: 'table-wrap' }, table), nav);
    }

    /* ---- a subject's own records and accounting ------------------------- */
    async function viewAccess() {
        const main = page('My records', h('p', { class: 'loading' }, 'Loading your records…'));
        let r;
        try {
            r = await api('/v1/access');
        } catch (e) {
            if (missingRoute(e)) main.lastChild.replaceWith(h('p', { class: 'muted' }, 'This server does not offer subject access yet.'));
            else main.lastChild.replaceWith(errorBox(e, 'Could not load your records'));
            return;
        }
        const ids = (r.subjects || []).map((s) => `${s.type}: ${s.value}`);
        const records = (r.records || []).map((rec, i) => h('section', { class: 'card record', 'aria-labelledby': `rec-${i}` },
            h('h3', { id: `rec-${i}` }, `${(rec.kind || 'record').replace(/_/g, ' ')}`),
            dl(Object.entries(rec.fields || {}).map(([k, v]) => [k.replace(/_/g, ' '), typeof v === 'object' ? JSON.stringify(v) : String(v)]))));
        const acc = r.accounting || [];
        let note = null;
        try { note = r.checkpoint ? parseNote(r.checkpoint) : null; } catch (e) { note = null; }
        const proofCells = acc.map(() => h('td', {}, note ? 'checking…' : '—'));
        const table = h('table', { class: 'grid' },
            h('caption', {}, acc.length ? `${acc.length} disclosure${acc.length === 1 ? '' : 's'} of your records you may see today` : 'No disclosures you may see today'),
            h('thead', {}, h('tr', {}, ['Date', 'Recipient', 'Nature', 'Legal basis', 'Purpose', 'Categories', 'Window', 'Request', 'Ledger proof']
                .map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', {}, acc.map((a, i) => h('tr', {},
                h('td', { class: 'nowrap' }, day(a.date)),
                h('td', {}, a.recipient ? a.recipient.agency || JSON.stringify(a.recipient) : ''),
                h('td', {}, a.nature || ''),
                h('td', {}, [a.legal_basis, a.privacy_act_basis ? `(Privacy Act ${a.privacy_act_basis})` : ''].filter(Boolean).join(' ')),
                h('td', {}, (a.purpose || '').replace(/_/g, ' ')),
                h('td', {}, (a.categories || []).join(', ')),
                h('td', {}, a.window ? [h('span', { class: 'nowrap' }, a.window.from), ' to ', h('span', { class: 'nowrap' }, a.window.to)] : ''),
                h('td', { class: 'nowrap' }, a.request || ''),
                proofCells[i]))));
        const sigOut = h('p', { class: 'muted' }, note ? 'Checking the checkpoint signature…' : 'No checkpoint was given.');
        // PA-2: a consent request waits until every subject it names confirms it
        const cid = nextId('consent');
        const cinput = h('input', { id: cid, name: 'request', autocomplete: 'off', spellcheck: 'false', required: true });
        const cerr = h('div', {});
        const cform = h('form', { class: 'card', 'aria-labelledby': 'con-h', novalidate: true },
            h('h2', { id: 'con-h' }, 'Confirm a consent'),
            h('p', { class: 'hint' }, 'An agency that asks for your records with your consent gives you its request id. Confirm it here only if you gave that consent: nothing is disclosed until you do, and then only after review.'),
            h('div', { class: 'field' }, h('label', { for: cid }, 'Request id'), cinput),
            h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Confirm my consent')),
            cerr);
        cform.addEventListener('submit', async (ev) => {
            ev.preventDefault();
            cerr.replaceChildren();
            const id = cinput.value.trim();
            if (!id) {
                cerr.append(errorBox(new Problem(400, { title: 'no request id', detail: 'type the request id the agency gave you' }), 'Not confirmed'));
                cinput.focus();
                return;
            }
            const btn = cform.querySelector('button');
            btn.disabled = true;
            say('Confirming your consent…');
            try {
                const c = await api(`/v1/requests/${encodeURIComponent(id)}/consent`, { method: 'POST', body: {} });
                say(`Consent confirmed: ${c.id} is now ${STATE_LABEL[c.state] ? STATE_LABEL[c.state].toLowerCase() : c.state}.`);
                cinput.value = '';
            } catch (e) {
                say('');
                cerr.append(errorBox(e, 'Not confirmed'));
            }
            btn.disabled = false;
        });
        main.lastChild.replaceWith(
            h('p', { class: 'lede' }, `As of ${day(r.as_of)}. Found by ${ids.join('; ') || 'your identifiers'}.`),
            h('section', { 'aria-labelledby': 'recs-h' }, h('h2', { id: 'recs-h' }, `Your records (${records.length})`),
                records.length ? h('div', { class: 'records' }, records) : h('p', { class: 'muted' }, 'No records are held about you under these identifiers.')),
            h('section', { 'aria-labelledby': 'acc-h' }, h('h2', { id: 'acc-h' }, 'Accounting of disclosures'),
                h('p', { class: 'hint' }, 'Who received your records, when and why (5 U.S.C. 552a(c)). Each entry is proven included in the signed ledger checkpoint below.'),
                h('div', { class: 'table-wrap' }, table), sigOut),
            cform);
        if (!note) return;
        for (let i = 0; i < acc.length; i++) {
            const l = acc[i].ledger;
            try {
                const ok = l && await verifyInclusion(l.index, note.size, await leafHash(enc.encode(l.entry)),
                    (l.proof || []).map((p) => Uint8Array.from(p.match(/../g).map((x) => parseInt(x, 16)))), note.root);
                proofCells[i].replaceChildren(h('span', { class: ok ? 'ok' : 'bad' }, ok ? `✓ entry ${l.index} included` : '✗ proof fails'));
            } catch (e) {
                proofCells[i].replaceChildren(h('span', { class: 'bad' }, `✗ ${e.message}`));
            }
        }
        try {
            const v = r.ledger_vkey ? await verifyNote(note, r.ledger_vkey) : null;
            sigOut.replaceWith(v ? check(v.ok, `Checkpoint of ${note.size} entries signed by ${parseVkey(r.ledger_vkey).name}.`, `Checkpoint signature NOT valid: ${v.why}.`)
                : h('p', { class: 'muted' }, 'No verifier key was given.'));
        } catch (e) {
            sigOut.replaceWith(check(false, '', e.message));
        }
    }

    /* ---- routing ---------------------------------------------------------- */
    async function route() {
        say('');
        const [path, query] = (location.hash.slice(1) || '/').split('?');
        const params = new URLSearchParams(query || '');
        const parts = path.split('/').filter(Boolean);
        paintWho();
        const needSignIn = !['signin', 'ledger'].includes(parts[0] || '');
        if (needSignIn && !ME) {
            if (parts.length) {
                wanted = location.hash;
                say('Sign in to see that page.');
            }
            viewSignin();
        } else if (!parts.length) {
            location.replace(home());
            return;
        } else if (parts[0] === 'signin') viewSignin();
        else if (parts[0] === 'queue') await viewQueue();
        else if (parts[0] === 'requests' && parts[1]) await viewRequest(decodeURIComponent(parts[1]));
        else if (parts[0] === 'ledger') await viewLedger();
        else if (parts[0] === 'audit') await viewAudit(params);
        else if (parts[0] === 'access') await viewAccess();
        else page('Not found', h('p', {}, 'There is no such page. ', h('a', { href: home() }, 'Go to your start page'), '.'));
        focusTitle();
    }

    async function start() {
        $('#signout').addEventListener('click', () => {
            sessionStorage.removeItem(TOKEN_KEY);
            ME = null;
            say('Signed out.');
            location.hash = '#/signin';
            paintWho();
        });
        window.addEventListener('hashchange', route);
        const tok = token();
        if (tok) {
            try { ME = await whoami(tok); } catch (e) { sessionStorage.removeItem(TOKEN_KEY); ME = null; }
        }
        await route();
    }
    start();
})();
