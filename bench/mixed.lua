-- SPDX-License-Identifier: AGPL-3.0-or-later
-- mixed.lua: the live-site load of bench.py (issue 17). Out of every 100
-- requests a wrk thread sends, 90 are signed-out reads, 8 member reads
-- and 2 writes (a vote and a comment on the hot posts).
--
--   wrk -t T ... -s mixed.lua URL -- ANON MEMBER SESSIONS VOTES COMMENTS T
--
-- ANON and MEMBER hold one path a line (pages to read signed out and
-- signed in); SESSIONS "cookie<TAB>csrf" lines; VOTES "post<TAB>ID" or
-- "comment<TAB>ID" lines; COMMENTS post paths "/s/NAME/p/ID". With
-- SESSIONS "-" every request is a read (the nginx run, where MEMBER names
-- files of the bodies members got). A wrk thread k uses the sessions k,
-- k+T, ...; a user's revisit of a vote target flips its direction, so
-- every acknowledged vote changes the database.
--
-- Answers are told apart by status: 200 is a read, 303 an acknowledged
-- write, anything else an error (listed by code at the end).

local threads = {}
local nthreads = 0

function setup(thread)
	thread:set("tid", nthreads)
	nthreads = nthreads + 1
	table.insert(threads, thread)
end

local function lines(path)
	local out = {}
	if path == "-" then return out end
	local f = assert(io.open(path, "r"))
	for l in f:lines() do
		if l ~= "" then table.insert(out, l) end
	end
	f:close()
	return out
end

reads = 0
writes = 0
bad = 0
codes = ""
local counts = {}
local anon, member, users, votes, comments = {}, {}, {}, {}, {}
local n = 0
local form = "application/x-www-form-urlencoded"

function init(args)
	local nt = tonumber(args[6])
	anon = lines(args[1])
	member = lines(args[2])
	for i, l in ipairs(lines(args[3])) do
		if (i - 1) % nt == tid then
			local cookie, csrf = l:match("^([^\t]+)\t(.+)$")
			table.insert(users, { cookie = cookie, csrf = csrf,
			    g = i - 1 })
		end
	end
	for _, l in ipairs(lines(args[4])) do
		local kind, id = l:match("^(%a+)\t(%d+)$")
		table.insert(votes, { kind = kind, id = id })
	end
	comments = lines(args[5])
	assert(#anon > 0 and #member > 0, "no pages to read")
end

local function write(slot)
	local u = users[(n % #users) + 1]
	local r = math.floor(n / 100)
	local body, path
	if slot == 0 then
		local k = r + 7 * u.g
		local t = votes[k % #votes + 1]
		local dir = (math.floor(k / #votes) % 2 == 0) and "1" or "-1"
		path = "/vote"
		body = "kind=" .. t.kind .. "&id=" .. t.id .. "&dir=" .. dir ..
		    "&csrf=" .. u.csrf
	else
		path = comments[(r + u.g) % #comments + 1] .. "/comment"
		body = "body=Mixed+load+comment+" .. n .. "+from+thread+" ..
		    tid .. "&csrf=" .. u.csrf
	end
	return wrk.format("POST", path, { ["Cookie"] = u.cookie,
	    ["Content-Type"] = form }, body)
end

function request()
	local slot = n % 100
	local req
	if #users > 0 and (slot == 0 or slot == 50) then
		req = write(slot)
	elseif slot >= 1 and slot <= 8 then
		local path = member[(math.floor(n / 100) + slot) % #member + 1]
		if #users > 0 then
			local u = users[(n % #users) + 1]
			req = wrk.format("GET", path, { ["Cookie"] = u.cookie })
		else
			req = wrk.format("GET", path)
		end
	else
		req = wrk.format("GET", anon[n % #anon + 1])
	end
	n = n + 1
	return req
end

function response(status, headers, body)
	if status == 200 then
		reads = reads + 1
	elseif status == 303 then
		writes = writes + 1
	else
		bad = bad + 1
		counts[status] = (counts[status] or 0) + 1
		local s = ""
		for k, v in pairs(counts) do s = s .. k .. ":" .. v .. " " end
		codes = s
	end
end

function done(summary, latency, requests)
	local r, w, b, c = 0, 0, 0, ""
	for _, t in ipairs(threads) do
		r = r + t:get("reads")
		w = w + t:get("writes")
		b = b + t:get("bad")
		c = c .. t:get("codes")
	end
	local e = summary.errors
	io.write(string.format(
	    'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,' ..
	    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
	    '"p50_us":%d,"p99_us":%d,"mean_us":%.1f,"reads":%d,"acked":%d,' ..
	    '"bad":%d,"codes":"%s"}\n',
	    summary.requests, summary.duration, summary.bytes,
	    e.connect, e.read, e.write, e.status, e.timeout,
	    latency:percentile(50), latency:percentile(99), latency.mean,
	    r, w, b, c))
end
