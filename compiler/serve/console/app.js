/* The console's behaviour on the execution page (plain JS, no framework, nothing from the
 * network but this server): graph nodes that open the step details (click or Enter), the Map
 * iteration grid, deep links (#state=Name, #iteration=Map/3) and live updates while the
 * execution runs (server-sent events, else polling). Everything shown from an execution goes
 * in with textContent; HTML comes only from this server's own fragments, escaped there. */
'use strict';
(function () {
	var page = null; /* {"execution", "status", "events"} from script#console-data */
	var stepsPromise = null; /* /console/api/steps, loaded once per change of the execution */
	var shown = null; /* what #details shows: {state: name} or {map: name, index: n} */
	var polling = null;

	function $(id) {
		return document.getElementById(id);
	}

	function readPage() {
		var el = $('console-data');
		if (!el)
			return null;
		try {
			return JSON.parse(el.textContent);
		} catch (e) {
			return null;
		}
	}

	/* A JSON answer, or {error} for anything else: a missing endpoint must not throw. */
	function getJSON(url) {
		return fetch(url, {headers: {Accept: 'application/json'}, cache: 'no-store'})
			.then(function (r) {
				return r.json().then(
					function (j) {
						if (!r.ok && (!j || !j.error))
							return {error: 'HTTP ' + r.status};
						return j || {error: 'empty answer'};
					},
					function () {
						return {error: 'HTTP ' + r.status};
					});
			})
			.catch(function () {
				return {error: 'the server did not answer'};
			});
	}

	function apiURL(what) {
		return '/console/api/' + what + '?execution=' + encodeURIComponent(page.execution);
	}

	function steps() {
		if (!stepsPromise)
			stepsPromise = getJSON(apiURL('steps'));
		return stepsPromise;
	}

	function json(v) {
		if (v === undefined)
			return '';
		return JSON.stringify(v, null, 2);
	}

	/* The state name of a node id "state:/States/A/Iterator/States/B": its last segment.
	 * The id has the pointer's control bytes and '%' as %XX (compiler/graph/dot.c). */
	function nameOfNode(node) {
		var pointer = node.id.replace(/^state:/, '').replace(/%([0-9A-F]{2})/g,
			function (m, hex) { return String.fromCharCode(parseInt(hex, 16)); });
		var last = pointer.substring(pointer.lastIndexOf('/') + 1);
		return last.replace(/~1/g, '/').replace(/~0/g, '~');
	}

	/* ---- the details panel ---- */
	function clearDetails(title, note) {
		$('details').hidden = false;
		$('details-name').textContent = title;
		$('details-note').textContent = note || '';
		['details-input', 'details-output', 'details-variables', 'details-error'].forEach(
			function (id) {
				$(id).textContent = '';
			});
		var dds = $('details-dataflow').querySelectorAll('dd');
		for (var i = 0; i < dds.length; i++)
			dds[i].textContent = '';
		$('details-visit').textContent = '';
	}

	function fillStep(step) {
		$('details-input').textContent = json(step.input);
		$('details-output').textContent = step.output === null ? '(none yet)' : json(step.output);
		$('details-variables').textContent =
			step.variables === null || step.variables === undefined ? '(none)'
										: json(step.variables);
		var err = '';
		if (step.error || step.cause)
			err = (step.error || '') + (step.cause ? ': ' + step.cause : '');
		$('details-error').textContent = err;
		var flow = step.dataflow || {};
		var dds = $('details-dataflow').querySelectorAll('dd');
		for (var i = 0; i < dds.length; i++) {
			var field = dds[i].getAttribute('data-field');
			dds[i].textContent = field in flow ? json(flow[field]) : '\u2014';
		}
		var note = 'status: ' + step.status + ', visit ' + step.visit;
		if (step.iteration)
			note += ', ' + step.iteration.map + ' iteration ' + step.iteration.index;
		$('details-note').textContent = note;
	}

	/* Lists `list` in select#details-visit and shows entry `chosen`. */
	function showSteps(list, chosen, label) {
		var select = $('details-visit');
		select.textContent = '';
		list.forEach(function (step, i) {
			var opt = document.createElement('option');
			opt.value = String(i);
			opt.textContent = label(step);
			select.appendChild(opt);
		});
		select.value = String(chosen);
		select.onchange = function () {
			fillStep(list[Number(select.value)]);
		};
		fillStep(list[chosen]);
	}

	function unavailable(answer) {
		return !answer || !Array.isArray(answer.steps);
	}

	function showState(name) {
		shown = {state: name};
		clearDetails(name, 'loading\u2026');
		steps().then(function (answer) {
			if (!shown || shown.state !== name)
				return;
			if (unavailable(answer)) {
				clearDetails(name, 'step details not available');
				return;
			}
			var visits = answer.steps.filter(function (s) {
				return s.state === name;
			});
			if (!visits.length) {
				clearDetails(name, 'This state has not run in this execution.');
				return;
			}
			showSteps(visits, visits.length - 1, function (s) {
				return 'visit ' + s.visit +
				       (s.iteration ? ' (' + s.iteration.map + '[' + s.iteration.index + '])'
						    : '') +
				       ': ' + s.status;
			});
		});
	}

	function showIteration(map, index) {
		shown = {map: map, index: index};
		var title = map + ' [' + index + ']';
		clearDetails(title, 'loading\u2026');
		steps().then(function (answer) {
			if (!shown || shown.map !== map || shown.index !== index)
				return;
			if (unavailable(answer)) {
				clearDetails(title, 'step details not available');
				return;
			}
			var list = answer.steps.filter(function (s) {
				return s.iteration && s.iteration.map === map && s.iteration.index === index;
			});
			if (!list.length) {
				clearDetails(title, 'No steps of this iteration are known.');
				return;
			}
			showSteps(list, 0, function (s) {
				return s.state + ' (visit ' + s.visit + '): ' + s.status;
			});
		});
	}

	/* ---- deep links ---- */
	function showFromHash() {
		var h = location.hash.replace(/^#/, '');
		var m;
		try {
			if ((m = /^state=(.*)$/.exec(h))) {
				showState(decodeURIComponent(m[1]));
			} else if ((m = /^iteration=(.*)\/(\d+)$/.exec(h))) {
				showIteration(decodeURIComponent(m[1]), Number(m[2]));
			}
		} catch (e) {
			/* a malformed %-escape in a hand-typed link: nothing to show */
		}
	}

	function go(hash) {
		if (location.hash === hash)
			showFromHash();
		else
			location.hash = hash;
	}

	/* ---- the graph: nodes as buttons ---- */
	function prepareGraph() {
		var nodes = document.querySelectorAll('#graph g.state');
		for (var i = 0; i < nodes.length; i++) {
			nodes[i].setAttribute('tabindex', '0');
			nodes[i].setAttribute('role', 'button');
			nodes[i].setAttribute('aria-label', 'State ' + nameOfNode(nodes[i]));
		}
	}

	function activate(target) {
		var node = target.closest ? target.closest('g.state') : null;
		if (node && node.id) {
			go('#state=' + encodeURIComponent(nameOfNode(node)));
			return true;
		}
		var cell = target.closest ? target.closest('#map-grid .cell') : null;
		if (cell) {
			var run = cell.closest('.map-run');
			go('#iteration=' + encodeURIComponent(run.getAttribute('data-state')) + '/' +
			   cell.getAttribute('data-index'));
			return true;
		}
		return false;
	}

	function onKey(ev) {
		if ((ev.key === 'Enter' || ev.key === ' ') && activate(ev.target))
			ev.preventDefault();
	}

	/* ---- the Map grid ---- */
	function loadMapGrid() {
		var grid = $('map-grid');
		getJSON(apiURL('map')).then(function (answer) {
			grid.textContent = '';
			if (!answer || !Array.isArray(answer.maps)) {
				grid.textContent = 'Map iterations not available.';
				return;
			}
			if (!answer.maps.length) {
				grid.textContent = 'No Map state ran.';
				return;
			}
			answer.maps.forEach(function (map) {
				var div = document.createElement('div');
				div.className = 'map-run';
				div.setAttribute('data-state', map.state);
				var h = document.createElement('h3');
				h.textContent = map.state;
				div.appendChild(h);
				(map.runs || []).forEach(function (run, r) {
					(run.iterations || []).forEach(function (it) {
						var cell = document.createElement('div');
						cell.className = 'cell';
						cell.setAttribute('data-index', String(it.index));
						cell.setAttribute('data-status', it.status);
						cell.setAttribute('data-run', String(r));
						cell.setAttribute('tabindex', '0');
						cell.setAttribute('role', 'button');
						cell.title = 'iteration ' + it.index + ': ' + it.status;
						cell.textContent = String(it.index);
						div.appendChild(cell);
					});
				});
				grid.appendChild(div);
			});
		});
	}

	/* ---- live updates ---- */
	function fragmentURL(part) {
		var q = new URLSearchParams(location.search);
		q.set('fragment', part);
		return location.pathname + '?' + q.toString();
	}

	function reload(part, id) {
		return fetch(fragmentURL(part), {cache: 'no-store'})
			.then(function (r) {
				return r.ok ? r.text() : null;
			})
			.then(function (html) {
				if (html !== null && $(id))
					$(id).innerHTML = html;
			})
			.catch(function () {});
	}

	function refresh() {
		stepsPromise = null;
		return Promise.all([reload('status', 'status-part'), reload('graph', 'graph'),
				    reload('events', 'events-part')])
			.then(function () {
				prepareGraph();
				loadMapGrid();
				if (shown && shown.state)
					showState(shown.state);
				else if (shown)
					showIteration(shown.map, shown.index);
			});
	}

	function statusShown() {
		var s = $('status');
		return s ? s.getAttribute('data-status') : null;
	}

	function poll() {
		if (polling)
			return;
		polling = setInterval(function () {
			refresh().then(function () {
				if (statusShown() !== 'RUNNING') {
					clearInterval(polling);
					polling = null;
				}
			});
		}, 1000);
	}

	function listen() {
		if (!window.EventSource) {
			poll();
			return;
		}
		var es = new EventSource('/console/events?execution=' +
					 encodeURIComponent(page.execution));
		var ended = false;
		es.onmessage = function (ev) {
			var m;
			try {
				m = JSON.parse(ev.data);
			} catch (e) {
				return;
			}
			if (m.status !== page.status || m.events !== page.events) {
				page.status = m.status;
				page.events = m.events;
				refresh();
			}
			if (m.status !== 'RUNNING') {
				ended = true;
				es.close();
			}
		};
		es.onerror = function () {
			es.close();
			if (!ended)
				poll();
		};
	}

	function start() {
		page = readPage();
		if (!page || !$('details'))
			return;
		var graph = $('graph'), grid = $('map-grid'), events = $('events-part');
		graph.addEventListener('click', function (ev) {
			activate(ev.target);
		});
		graph.addEventListener('keydown', onKey);
		grid.addEventListener('click', function (ev) {
			activate(ev.target);
		});
		grid.addEventListener('keydown', onKey);
		if (events)
			events.addEventListener('click', function (ev) {
				var link = ev.target.closest ? ev.target.closest('a.state-link') : null;
				if (link) {
					ev.preventDefault();
					go('#state=' + encodeURIComponent(link.getAttribute('data-state')));
				}
			});
		window.addEventListener('hashchange', showFromHash);
		prepareGraph();
		loadMapGrid();
		showFromHash();
		if (page.status === 'RUNNING')
			listen();
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
