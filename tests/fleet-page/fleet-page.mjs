// SPDX-License-Identifier: GPL-2.0 OR MIT
// The fleet page (web/fleet.html) in Chromium through Playwright, driven by
// tests/host/fleet-page.sh: every view, a load test from the page, the
// compare CSV as downloaded, one exporter killed; a JSON report and
// screenshots. It asserts nothing itself: the shell script checks the report.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
	options: {
		url: { type: 'string' }, key: { type: 'string' },
		'node-dir': { type: 'string' }, chromium: { type: 'string', default: '/usr/bin/chromium' },
		shots: { type: 'string' }, report: { type: 'string' },
		hosts: { type: 'string' }, kill: { type: 'string' },
		cost: { type: 'string', default: '0.5' },
	},
});
const hosts = opt.hosts.split(',');
const report = { phase: 'start', error: null, console: [], pageErrors: [], fleetRows: null,
	historyHosts: null, historyBefore: 0, historyAfter: 0, run: null, picked: null,
	csv: null, priceRows: 0, downRow: null, othersAfterKill: null, narrowOverflow: null, badCost: null };
const save = () => writeFileSync(opt.report, JSON.stringify(report, null, 1) + '\n');
const shot = (page, name) => page.screenshot({ path: path.join(opt.shots, name + '.png'), fullPage: true });

let browser, page;
try {
	const require = createRequire(path.join(path.resolve(opt['node-dir']), 'package.json'));
	const { chromium } = require('playwright-core');
	browser = await chromium.launch({ executablePath: opt.chromium, headless: true,
		args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
	page = await context.newPage();
	page.on('console', (m) => report.console.push({ type: m.type(), text: m.text(), phase: report.phase }));
	page.on('pageerror', (e) => report.pageErrors.push(String(e)));

	report.phase = 'fleet';
	await page.goto(opt.url + '/', { waitUntil: 'load', timeout: 15000 });
	await page.waitForFunction((n) => document.querySelectorAll('#fleet-table tbody tr').length === n &&
		[...document.querySelectorAll('#fleet-table tbody tr')].every((r) => r.cells[1].textContent.startsWith('running')),
		hosts.length, { timeout: 20000, polling: 250 });
	/* a few chart points: every host's line has 3 */
	await page.waitForFunction((n) => { const l = [...document.querySelectorAll('#fleet-chart polyline')];
		return l.length === n && l.every((p) => p.getAttribute('points').split(' ').length >= 3); },
		hosts.length, { timeout: 20000, polling: 250 });
	report.fleetRows = await page.$$eval('#fleet-table tbody tr', (rs) => rs.map((r) => ({
		host: r.dataset.host, state: r.cells[1].textContent, ops: r.cells[3].textContent, verdict: r.cells[7].textContent })));
	await shot(page, 'fleet');

	report.phase = 'history';
	await page.click('#tab-history');
	await page.waitForFunction(() => document.querySelectorAll('#hist-table tbody tr').length > 0, null, { timeout: 10000 });
	report.historyHosts = await page.$$eval('#hist-table tbody tr', (rs) => [...new Set(rs.map((r) => r.cells[1].textContent))]);
	report.historyBefore = await page.$$eval('#hist-table tbody tr', (rs) => rs.length);
	await shot(page, 'history');

	report.phase = 'run';
	await page.selectOption('#lt-host', hosts[0]);
	await page.fill('#lt-key', opt.key);
	await page.fill('#lt-busy', '50,100');
	await page.fill('#lt-duration', '1');
	await page.focus('#lt-run');
	const tRun = Date.now();
	await page.keyboard.press('Enter');
	await page.waitForFunction(() => /done|failed/.test(document.getElementById('lt-progress').textContent), null, { timeout: 180000 });
	report.run = await page.textContent('#lt-progress');
	report.runMs = Date.now() - tRun;
	await page.waitForFunction((n) => document.querySelectorAll('#hist-table tbody tr').length > n, report.historyBefore, { timeout: 10000 });
	report.historyAfter = await page.$$eval('#hist-table tbody tr', (rs) => rs.length);
	report.newest = await page.$eval('#hist-table tbody tr', (r) => r.dataset.key);

	report.phase = 'compare';
	/* The newest result of each of the first two hosts. */
	const keys = await page.$$eval('#hist-table tbody tr', (rs, hs) => hs.map((h) =>
		rs.map((r) => r.dataset.key).find((k) => k.startsWith(h + '/'))), hosts.slice(0, 2));
	for (const k of keys) await page.check(`#hist-table tr[data-key="${k}"] input`);
	report.picked = keys;
	await page.click('#to-compare');
	await page.waitForSelector('#cost-0', { timeout: 5000 });
	await page.fill('#cost-0', '-3');
	await page.click('#cmp-go');
	await page.waitForFunction(() => document.getElementById('cmp-error').textContent.length > 0, null, { timeout: 10000 });
	report.badCost = await page.textContent('#cmp-error');
	await page.fill('#cost-0', opt.cost);
	await page.click('#cmp-go');
	await page.waitForFunction(() => !document.getElementById('cmp-csv').disabled &&
		document.querySelectorAll('#cmp-table tbody tr').length > 0 && !document.getElementById('cmp-error').textContent, null, { timeout: 10000 });
	const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#cmp-csv')]);
	report.csv = readFileSync(await dl.path(), 'utf8');
	report.tableRows = await page.$$eval('#cmp-table tbody tr', (rs) => rs.length);
	report.priceRows = await page.$$eval('#cmp-price tbody tr', (rs) => rs.filter((r) => r.cells.length === 6).length);
	report.ciBars = await page.$$eval('#cmp-line g.ci', (gs) => gs.length);
	report.diffBars = await page.$$eval('#cmp-diff rect', (rs) => rs.length);
	report.noiseBars = await page.$$eval('#cmp-diff rect.noise', (rs) => rs.length);
	report.noiseMarks = await page.$$eval('#cmp-diff text.noise-mark', (ts) => ts.length);
	report.tableNoiseRows = await page.$$eval('#cmp-table tbody tr.noise', (rs) => rs.length);
	report.noiseText = await page.textContent('#cmp-noise');
	await shot(page, 'compare');

	report.phase = 'narrow';
	await page.setViewportSize({ width: 390, height: 800 });
	/* the charts are drawn again for the new width */
	await page.waitForFunction(() => document.getElementById('cmp-line').getAttribute('viewBox') !== '0 0 800 260', null, { timeout: 5000 });
	report.narrowOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	report.narrowChartText = await page.$$eval('#v-compare svg text', (ts) => Math.min(...ts.map((t) => t.getBoundingClientRect().height)));
	await shot(page, 'compare-narrow');

	report.phase = 'kill';
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.click('#tab-fleet');
	process.kill(Number(opt.kill), 'SIGKILL');
	const victim = hosts[hosts.length - 1];
	await page.waitForFunction((h) => {
		const r = document.querySelector(`#fleet-table tr[data-host="${h}"]`);
		return r && r.cells[1].textContent.startsWith('down');
	}, victim, { timeout: 15000, polling: 250 });
	report.downRow = await page.$eval(`#fleet-table tr[data-host="${victim}"]`, (r) => r.cells[7].textContent);
	report.othersAfterKill = await page.$$eval('#fleet-table tbody tr', (rs, h) => rs.filter((r) => r.dataset.host !== h)
		.map((r) => r.cells[1].textContent), victim);
	await shot(page, 'fleet-down');
	await page.click('#tab-history');
	await page.waitForFunction((h) => document.getElementById('hist-errors').textContent.includes(h), victim, { timeout: 10000 });
	report.historyError = await page.textContent('#hist-errors');
	await shot(page, 'history-down');
	report.phase = 'done';
} catch (e) {
	report.error = String(e && e.message ? e.message : e);
	/* What the page said when the step gave up (a load test's progress). */
	if (page) report.progressAtError = await page.textContent('#lt-progress').catch(() => null);
} finally {
	save();
	if (browser) await browser.close();
}
