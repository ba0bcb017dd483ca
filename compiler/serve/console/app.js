/* The console's behaviour on the execution page (plain JS, no framework, nothing from the
 * network but this server): graph nodes that open the step details (click or Enter), the Map
 * iteration grid, deep links (#state=Name, #iteration=Map/3, #iteration=Map/3@2 for the Map's
 * second run) and live updates while the execution runs: a poll of the small
 * /console/api/status once a second while the tab is visible, and the parts reloaded when it
 * changed. Polling holds no connection open (a held event stream per tab would use up the 6
 * connections a browser opens to one server). Everything shown from an execution goes in
 * with textContent; HTML comes only from this server's own fragments, escaped there. */
'use strict';
(function () {
	var page = null; /* {"execution", "status", "events"} from script#console-data */
	var stepsPromise = null; /* /console/api/steps, loaded once per change of the execution */
	/* what #details shows: {state: name} or {map: name, index: n, run: n or null (the
	 * latest)}, with `entered`: the entered_event of the visit chosen in #details-visit (kept
	 * across live updates; null: the default one) */
	var shown = null;
	var polling = null; /* the interval timer while RUNNING */
	var asking = false; /* a status request is out */
	var refreshing = false, again = false; /* one refresh at a time; one more when asked */

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

	/* Lists `list` in select#details-visit and shows the visit the user chose before (by its
	 * entered_event) when it is still there, else entry `chosen`. */
	function showSteps(list, chosen, label) {
		if (shown && shown.entered !== null) {
			for (var k = 0; k < list.length; k++)
				if (list[k].entered_event === shown.entered)
					chosen = k;
		}
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
			var step = list[Number(select.value)];
			if (shown)
				shown.entered = step.entered_event;
			fillStep(step);
		};
		fillStep(list[chosen]);
	}

	function unavailable(answer) {
		return !answer || !Array.isArray(answer.steps);
	}

	/* `again`: a live update of what is shown (keep the visit chosen, no "loading" flash). */
	function showState(name, again) {
		if (!again || !shown || shown.state !== name)
			shown = {state: name, entered: null};
		if (!again)
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

	function sameIteration(a, map, index, run) {
		return a && a.map === map && a.index === index && a.run === run;
	}

	/* Iteration `index` of run `run` (1, 2, ...; null: the latest) of Map state `map`. */
	function showIteration(map, index, run, again) {
		if (!again || !sameIteration(shown, map, index, run))
			shown = {map: map, index: index, run: run, entered: null};
		var title = map + ' [' + index + ']' + (run ? ' run ' + run : '');
		if (!again)
			clearDetails(title, 'loading\u2026');
		steps().then(function (answer) {
			if (!sameIteration(shown, map, index, run))
				return;
			if (unavailable(answer)) {
				clearDetails(title, 'step details not available');
				return;
			}
			var mine = answer.steps.filter(function (s) {
				return s.iteration && s.iteration.map === map && s.iteration.index === index;
			});
			var want = run;
			if (!want) /* the old link form: the latest run that had this iteration */
				mine.forEach(function (s) {
					want = Math.max(want || 0, s.iteration.run || 1);
				});
			var list = mine.filter(function (s) {
				return (s.iteration.run || 1) === want;
			});
			if (!list.length) {
				clearDetails(title, 'No steps of this iteration are known.');
				return;
			}
			showSteps(list, 0, function (s) {
				return s.state + ' (visit ' + s.visit + '): ' + s.status;
			});
			/* a state's visits are numbered across runs: say which run */
			$('details-note').textContent += ', run ' + want;
		});
	}

	/* ---- deep links ---- */
	function showFromHash() {
		var h = location.hash.replace(/^#/, '');
		var m;
		try {
			if ((m = /^state=(.*)$/.exec(h))) {
				showState(decodeURIComponent(m[1]));
			} else if ((m = /^iteration=(.*)\/(\d+)(?:@(\d+))?$/.exec(h))) {
				showIteration(decodeURIComponent(m[1]), Number(m[2]),
					      m[3] ? Number(m[3]) : null);
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
			   cell.getAttribute('data-index') + '@' + run.getAttribute('data-run'));
			return true;
		}
		return false;
	}

	function onKey(ev) {
		if ((ev.key === 'Enter' || ev.key === ' ') && activate(ev.target))
			ev.preventDefault();
	}

	/* ---- the Map grid: one labelled row (div.map-run) per run of each Map state ---- */
	function runLabel(map, run, r) {
		var label = map.state;
		if (map.runs.length > 1)
			label += ', run ' + (run.run || r + 1) + ' of ' + map.runs.length;
		if (run.iteration)
			label += ' (in ' + run.iteration.map + '[' + run.iteration.index + '])';
		return label;
	}

	function runRow(map, run, r) {
		var div = document.createElement('div');
		div.className = 'map-run';
		div.setAttribute('data-state', map.state);
		div.setAttribute('data-run', String(run.run || r + 1));
		var h = document.createElement('h3');
		h.textContent = runLabel(map, run, r);
		div.appendChild(h);
		(run.iterations || []).forEach(function (it) {
			var cell = document.createElement('div');
			cell.className = 'cell';
			cell.setAttribute('data-index', String(it.index));
			cell.setAttribute('data-status', it.status);
			cell.setAttribute('tabindex', '0');
			cell.setAttribute('role', 'button');
			cell.title = 'iteration ' + it.index + ': ' + it.status;
			cell.textContent = String(it.index);
			div.appendChild(cell);
		});
		return div;
	}

	/* The grid again; the cell that had the focus gets it back. */
	function loadMapGrid() {
		var grid = $('map-grid');
		return getJSON(apiURL('map')).then(function (answer) {
			var had = document.activeElement, focus = null;
			if (had && grid.contains(had) && had.classList.contains('cell'))
				focus = [had.parentNode.getAttribute('data-state'),
					 had.parentNode.getAttribute('data-run'),
					 had.getAttribute('data-index')];
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
				map.runs = map.runs || [];
				map.runs.forEach(function (run, r) {
					grid.appendChild(runRow(map, run, r));
				});
			});
			if (focus) {
				var rows = grid.querySelectorAll('.map-run');
				for (var i = 0; i < rows.length; i++)
					if (rows[i].getAttribute('data-state') === focus[0] &&
					    rows[i].getAttribute('data-run') === focus[1]) {
						var cells = rows[i].querySelectorAll('.cell');
						for (var j = 0; j < cells.length; j++)
							if (cells[j].getAttribute('data-index') === focus[2])
								cells[j].focus();
					}
			}
		});
	}

	/* ---- live updates ---- */
	function fragmentURL(part) {
		var q = new URLSearchParams(location.search);
		q.set('fragment', part);
		return location.pathname + '?' + q.toString();
	}

	/* The part's HTML, or null when it could not be had. */
	function fetchPart(part) {
		return fetch(fragmentURL(part), {cache: 'no-store'})
			.then(function (r) {
				return r.ok ? r.text() : null;
			})
			.catch(function () {
				return null;
			});
	}

	/* Replaces the parts together once all have come, so the status, graph and events shown
	 * are of one moment; the focused graph node (or Stop button) gets the focus back. */
	function reloadParts() {
		return Promise.all([fetchPart('status'), fetchPart('graph'), fetchPart('events')])
			.then(function (html) {
				var had = document.activeElement;
				var focusId = had && had.id && (had.closest('#graph') ||
								  had.closest('#status-part'))
						      ? had.id
						      : null;
				['status-part', 'graph', 'events-part'].forEach(function (id, i) {
					if (html[i] !== null && $(id))
						$(id).innerHTML = html[i];
				});
				prepareGraph();
				var again = focusId && document.getElementById(focusId);
				if (again && again.focus)
					again.focus();
			});
	}

	/* One refresh at a time: a change seen while one runs asks for one more after it, so a
	 * slow answer never lands after a newer one. */
	function refresh() {
		if (refreshing) {
			again = true;
			return Promise.resolve();
		}
		refreshing = true;
		stepsPromise = null;
		return reloadParts()
			.then(loadMapGrid)
			.then(function () {
				if (shown && shown.state)
					showState(shown.state, true);
				else if (shown)
					showIteration(shown.map, shown.index, shown.run, true);
			})
			.catch(function () {})
			.then(function () {
				refreshing = false;
				if (again) {
					again = false;
					return refresh();
				}
			});
	}

	function stopPolling() {
		if (polling) {
			clearInterval(polling);
			polling = null;
		}
	}

	/* One look at the status; a change reloads the parts. Nothing while the tab is hidden
	 * (it looks again when shown) or while the last look is unanswered. */
	function tick() {
		if (asking || document.visibilityState === 'hidden')
			return;
		asking = true;
		getJSON('/console/api/status?execution=' + encodeURIComponent(page.execution))
			.then(function (m) {
				asking = false;
				if (!m || m.error)
					return;
				if (m.status !== page.status || m.events !== page.events) {
					page.status = m.status;
					page.events = m.events;
					refresh();
				}
				if (m.status !== 'RUNNING')
					stopPolling();
			});
	}

	function poll() {
		if (polling)
			return;
		polling = setInterval(tick, 1000);
		document.addEventListener('visibilitychange', function () {
			if (polling && document.visibilityState === 'visible')
				tick();
		});
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
			poll();
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
