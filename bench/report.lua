-- SPDX-License-Identifier: AGPL-3.0-or-later
-- report.lua: makes wrk print its results as one "BENCH {json}" line for
-- bench.py, with latencies in microseconds. Per-request callbacks are left
-- undefined so that wrk does not parse bodies and stays as fast as plain wrk.

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
	    'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,' ..
	    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
	    '"p50_us":%d,"p99_us":%d,"mean_us":%.1f}\n',
	    summary.requests, summary.duration, summary.bytes,
	    e.connect, e.read, e.write, e.status, e.timeout,
	    latency:percentile(50), latency:percentile(99), latency.mean))
end
