// SPDX-License-Identifier: GPL-2.0
// Drives the cpustress serve dashboard (GET /) in headless Chromium through
// Playwright and writes what it saw as one JSON report; the checks on it are
// made by tests/host/dashboard.sh.
//
//   node dashboard.mjs --url URL --key KEY --node-dir DIR --png FILE
//                      [--png-narrow FILE] [--png-open FILE]
//                      [--chromium PATH] --report FILE
//
// --png-open: the page as it first draws, its live chart from the history.
//
// DIR holds node_modules/playwright-core (installed by dashboard.sh). The
// report always gets written; a step that fails or times out sets "error"
// and "phase", and the steps after it are not run.

import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

// The policy the page is written for; applied here when the server sends none.
const CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; " +
	"style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";
const WRONG_KEY = 'not-the-right-key';
const LEVELS = '50,100';	// the load test: 2 levels ...
const LEVEL_SEC = '1';		// ... of 1 s each
const POINTS_MIN = 3;

const { values: opt } = parseArgs({
	options: {
		url: { type: 'string' },
		key: { type: 'string' },
		'node-dir': { type: 'string' },
		png: { type: 'string' },
		'png-narrow': { type: 'string' },
		'png-open': { type: 'string' },
		chromium: { type: 'string', default: '/usr/bin/chromium' },
		report: { type: 'string' },
	},
});
for (const k of ['url', 'key', 'node-dir', 'png', 'report']) {
	if (!opt[k]) {
		console.error(`dashboard.mjs: --${k} missing`);
		process.exit(2);
	}
}

const report = {
	phase: 'start', error: null,
	page: null, csp: null,
	console: [], pageErrors: [], failedRequests: [],
	requests: [], opened: null, firstChart: null,
	statsCpus: null, chart: null,
	wrongKey: null, run: null, sweep: null,
	narrowOverflow: null, screenshot: null, screenshotNarrow: null,
};
const base = opt.url.replace(/\/$/, '');
const runUrl = base + '/v1/loadtest?wait=0';

function save() {
	writeFileSync(opt.report, JSON.stringify(report, null, 1) + '\n');
}

// Wait for @fn(arg) in the page to be truthy; on timeout say what was awaited.
async function waitFor(page, what, fn, arg, timeout) {
	try {
		await page.waitForFunction(fn, arg, { timeout, polling: 250 });
	} catch (e) {
		throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}`);
	}
}

const chartState = () => (window.cpustressChart ? window.cpustressChart.series
	.map((s) => ({ name: s.name, points: s.points.length })) : null);

let browser;
try {
	const require = createRequire(path.join(path.resolve(opt['node-dir']), 'package.json'));
	const { chromium } = require('playwright-core');

	report.phase = 'launch';
	browser = await chromium.launch({
		executablePath: opt.chromium,
		headless: true,
		// Tests run as root, where Chromium's sandbox cannot start.
		args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
	});
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const page = await context.newPage();
	page.on('console', (m) => {
		const loc = m.location();
		report.console.push({ type: m.type(), text: m.text(), url: loc ? loc.url : '', phase: report.phase });
	});
	// The page's own API requests, in order (for: history before stats).
	page.on('request', (r) => {
		const u = r.url();
		if (u.startsWith(base + '/v1/') && report.requests.length < 50)
			report.requests.push(r.method() + ' ' + u.slice(base.length));
	});
	page.on('pageerror', (e) => report.pageErrors.push(String(e && e.stack ? e.stack : e)));
	page.on('requestfailed', (r) => report.failedRequests.push({
		url: r.url(), error: r.failure() ? r.failure().errorText : '', phase: report.phase,
	}));

	// GET /: as served, with the strict policy added if the server has none.
	await page.route(base + '/', async (route) => {
		const res = await route.fetch();
		const headers = res.headers();
		report.page = {
			status: res.status(), contentType: headers['content-type'] || '',
			bytes: (await res.body()).length,
		};
		report.csp = headers['content-security-policy'] ?
			'from the server: ' + headers['content-security-policy'] :
			'none from the server; the test applies ' + CSP;
		if (!headers['content-security-policy']) headers['content-security-policy'] = CSP;
		await route.fulfill({ response: res, headers });
	});

	report.phase = 'load';
	report.opened = Date.now();
	const resp = await page.goto(base + '/', { waitUntil: 'load', timeout: 15000 });
	if (!resp) throw new Error('no response for GET /');

	// The live chart's first drawing: the server's history, not one poll.
	report.phase = 'history';
	await waitFor(page, 'the live chart\'s first points', () => {
		const c = window.cpustressChart;
		return c && c.series.some((s) => s.name === 'total' && s.points.length > 0);
	}, null, 10000);
	report.firstChart = await page.evaluate(() => {
		const t = window.cpustressChart.series.find((s) => s.name === 'total');
		return { points: t.points.length, oldestMs: t.points[0][0], newestMs: t.points[t.points.length - 1][0] };
	});
	if (opt['png-open']) await page.screenshot({ path: opt['png-open'] });

	// Every CPU that /v1/stats lists must get its own line.
	report.phase = 'chart';
	const stats = await (await fetch(base + '/v1/stats')).json();
	report.statsCpus = (stats.cpus || []).map((c) => c.cpu);
	const want = ['total', ...report.statsCpus.map((c) => 'cpu' + c)];
	try {
		await waitFor(page, `${POINTS_MIN} chart points for ${want.join(', ')}`, ([names, min]) => {
			const c = window.cpustressChart;
			return c && names.every((n) => c.series.some((s) => s.name === n && s.points.length >= min));
		}, [want, POINTS_MIN], 20000);
	} finally {
		report.chart = {
			series: await page.evaluate(chartState),
			canvas: await page.locator('#live-chart').evaluate((c) => ({
				series: c.dataset.series, points: c.dataset.points,
				width: c.width, height: c.height,
			})),
			rows: await page.locator('#cpu-rows tr').count(),
		};
	}

	// The per-CPU table's Recent column: median ± spread of every loaded CPU.
	report.phase = 'recent';
	const recentRe = '^[0-9,]+ ±[0-9.]+ %$';
	try {
		await waitFor(page, 'a recent median ± spread in every CPU row', (re) => {
			const cells = [...document.querySelectorAll('#cpu-rows td.recent')];
			return cells.length > 0 && cells.every((td) => new RegExp(re).test(td.textContent));
		}, recentRe, 10000);
	} finally {
		report.recent = await page.locator('#cpu-rows td.recent').evaluateAll((tds) =>
			tds.map((td) => ({ text: td.textContent, title: td.title })));
	}
	report.phase = 'wrong-key';
	await page.click('#run-open');
	await page.fill('#apikey', WRONG_KEY);
	await page.fill('#levels', LEVELS);
	await page.selectOption('#duration', LEVEL_SEC);
	const refused = page.waitForResponse((r) => r.url() === runUrl, { timeout: 10000 });
	await page.click('#run-go');
	const rr = await refused;
	await waitFor(page, 'the refusal message', () =>
		document.getElementById('run-msg').classList.contains('error'), null, 5000);
	let serverError = '';
	try {
		serverError = (await rr.json()).error || '';
	} catch (e) {
		serverError = '';
	}
	report.wrongKey = {
		status: rr.status(), serverError,
		message: await page.textContent('#run-msg'),
	};

	// The right key: 202, then the sweep curve of that run.
	report.phase = 'run';
	await page.fill('#apikey', opt.key);
	const started = page.waitForResponse((r) => r.url() === runUrl, { timeout: 10000 });
	await page.click('#run-go');
	const sr = await started;
	let reqBody = null;
	try {
		reqBody = JSON.parse(sr.request().postData() || 'null');
	} catch (e) {
		reqBody = sr.request().postData();
	}
	report.run = {
		status: sr.status(), plan: reqBody,
		apikeyHeader: sr.request().headers().apikey === opt.key,
		url: page.url(),
	};
	await waitFor(page, 'the run id', () => document.getElementById('run-msg').dataset.runId !== '',
		null, 5000);
	report.run.id = await page.getAttribute('#run-msg', 'data-run-id');
	report.run.message = await page.textContent('#run-msg');
	report.run.keyInStorage = await page.evaluate((k) => {
		const all = (s) => Array.from({ length: s.length }, (_, i) => s.getItem(s.key(i)));
		return { local: all(localStorage).includes(k), session: all(sessionStorage).includes(k) };
	}, opt.key);

	report.phase = 'sweep';
	try {
		await waitFor(page, `load test ${report.run.id} to finish and its curve to show`, (id) => {
			const s = document.getElementById('sweep');
			const c = window.cpustressSweepChart;
			return s.dataset.sweepId === id && s.dataset.sweepStatus !== 'running' &&
				c && c.series.length > 0 && c.series[0].points.length > 0;
		}, report.run.id, 90000);
	} finally {
		report.sweep = await page.evaluate(() => {
			const s = document.getElementById('sweep');
			const c = window.cpustressSweepChart;
			return {
				id: s.dataset.sweepId, status: s.dataset.sweepStatus,
				points: c && c.series[0] ? c.series[0].points : [],
				message: document.getElementById('run-msg').textContent,
				error: document.getElementById('s-error').textContent,
				engine: document.getElementById('s-engine').textContent,
			};
		});
	}
	// One more poll, so the chart shows the load coming back after the test.
	await page.waitForTimeout(1500);

	report.phase = 'screenshot';
	await page.screenshot({ path: opt.png, fullPage: true });
	report.screenshot = opt.png;

	if (opt['png-narrow']) {
		report.phase = 'narrow';
		await page.setViewportSize({ width: 390, height: 800 });
		await page.waitForTimeout(1200);
		report.narrowOverflow = await page.evaluate(() =>
			document.documentElement.scrollWidth - window.innerWidth);
		await page.screenshot({ path: opt['png-narrow'], fullPage: true });
		report.screenshotNarrow = opt['png-narrow'];
	}
	report.phase = 'done';
	await context.close();
} catch (e) {
	report.error = String(e && e.message ? e.message : e).split('\n')[0];
} finally {
	if (browser) await browser.close().catch(() => {});
	save();
}
