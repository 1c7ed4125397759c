-- SPDX-License-Identifier: AGPL-3.0-or-later
-- write.lua: the write load of bench.py. Many signed-in users post votes
-- or comments at once, each with its own session cookie and CSRF token,
-- or comments through the API, each with its own bearer token.
--
--   wrk -t T ... -s write.lua URL -- MODE SESSIONS TARGETS T [NAMES]
--
-- MODE is "vote", "comment", "mention" (a comment that also names the
-- two users of NAMES, "a,b", as u/a and @b) or "apicomment", T the number
-- of wrk threads (-t). SESSIONS holds "cookie<TAB>csrf" lines, one per
-- user (API tokens, one a line, for apicomment); TARGETS holds
-- "post<TAB>ID" or "comment<TAB>ID" lines (votes) or post paths
-- "/s/NAME/p/ID" (comments). wrk thread k takes the users
-- k, k+T, k+2T... and cycles through them, so no two threads share a
-- session. For votes, user g's r-th request goes to target (r + 7g) mod N,
-- and every revisit of a (user, target) pair flips the direction, so every
-- acknowledged vote changes the database. Only 303 (201 for the API)
-- counts as acknowledged; any other status is an error, listed by code at
-- the end.

local threads = {}
local nthreads = 0

function setup(thread)
	thread:set("tid", nthreads)
	nthreads = nthreads + 1
	table.insert(threads, thread)
end

local function lines(path)
	local out = {}
	local f = assert(io.open(path, "r"))
	for l in f:lines() do
		if l ~= "" then table.insert(out, l) end
	end
	f:close()
	return out
end

acked = 0
bad = 0
codes = ""
local counts = {}
local users = {}
local targets = {}
local mode
local nt
local mentions = ""
local n = 0
local hdr = "application/x-www-form-urlencoded"

function init(args)
	mode = args[1]
	nt = tonumber(args[4])
	if mode == "mention" then
		local a, b = args[5]:match("^([^,]+),(.+)$")
		assert(a and b, "mention needs two names")
		mentions = "+thanks+u%2F" .. a .. "+and+%40" .. b
	end
	local all = lines(args[2])
	for i, l in ipairs(all) do
		if (i - 1) % nt == tid and mode == "apicomment" then
			table.insert(users, { token = l, g = i - 1 })
		elseif (i - 1) % nt == tid then
			local cookie, csrf = l:match("^([^\t]+)\t(.+)$")
			table.insert(users, { cookie = cookie, csrf = csrf,
			    g = i - 1 })
		end
	end
	for _, l in ipairs(lines(args[3])) do
		if mode == "vote" then
			local kind, id = l:match("^(%a+)\t(%d+)$")
			table.insert(targets, { kind = kind, id = id })
		else
			table.insert(targets, { path = l })
		end
	end
	assert(#users > 0, "no sessions for this thread")
	assert(#targets > 0, "no targets")
end

function request()
	local nu = #users
	local u = users[(n % nu) + 1]
	local r = math.floor(n / nu)
	local body, path
	n = n + 1
	if mode == "vote" then
		local t = targets[(r + 7 * u.g) % #targets + 1]
		local visit = math.floor((r + 7 * u.g) / #targets)
		local dir = (visit % 2 == 0) and "1" or "-1"
		path = "/vote"
		body = "kind=" .. t.kind .. "&id=" .. t.id .. "&dir=" .. dir ..
		    "&csrf=" .. u.csrf
	elseif mode == "apicomment" then
		local t = targets[(r + 7 * u.g) % #targets + 1]
		body = '{"post":' .. t.path:match("/p/(%d+)$") ..
		    ',"body":"Benchmark comment ' .. n .. ' from thread ' .. tid ..
		    ', written to measure how many comments a second land."}'
		return wrk.format("POST", "/api/v1/comments", {
		    ["Authorization"] = "Bearer " .. u.token,
		    ["Content-Type"] = "application/json" }, body)
	else
		local t = targets[(r + 7 * u.g) % #targets + 1]
		path = t.path .. "/comment"
		body = "body=Benchmark+comment+" .. n .. "+from+thread+" .. tid ..
		    "%2C+written+to+measure+how+many+comments+a+second+land." ..
		    mentions .. "&csrf=" .. u.csrf
	end
	return wrk.format("POST", path, { ["Cookie"] = u.cookie,
	    ["Content-Type"] = hdr }, body)
end

function response(status, headers, body)
	if status == 303 or (status == 201 and mode == "apicomment") then
		acked = acked + 1
	else
		bad = bad + 1
		counts[status] = (counts[status] or 0) + 1
		local s = ""
		for k, v in pairs(counts) do s = s .. k .. ":" .. v .. " " end
		codes = s
	end
end

function done(summary, latency, requests)
	local a, b, c = 0, 0, ""
	for _, t in ipairs(threads) do
		a = a + t:get("acked")
		b = b + t:get("bad")
		c = c .. t:get("codes")
	end
	local e = summary.errors
	io.write(string.format(
	    'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,' ..
	    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
	    '"p50_us":%d,"p99_us":%d,"mean_us":%.1f,"acked":%d,"bad":%d,' ..
	    '"codes":"%s"}\n',
	    summary.requests, summary.duration, summary.bytes,
	    e.connect, e.read, e.write, e.status, e.timeout,
	    latency:percentile(50), latency:percentile(99), latency.mean,
	    a, b, c))
end
