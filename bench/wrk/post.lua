-- SPDX-License-Identifier: Apache-2.0
-- POST the file $WRK_BODY as JSON with the bearer token $WRK_TOKEN to the
-- URL given to wrk (request check and submission).
dofile(os.getenv("WRK_LUA_DIR") .. "/report.lua")
local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("WRK_TOKEN")

-- A legal basis serves one request (PA-2): "@SEQ@" in the body becomes a
-- number unique to this thread and request, so every submission is new
-- rather than a refused reuse.
local threads = 0
function setup(thread)
    thread:set("tid", threads)
    threads = threads + 1
end
local seq = 0
function request()
    if not string.find(wrk.body, "@SEQ@", 1, true) then
        return wrk.format()
    end
    seq = seq + 1
    local body = string.gsub(wrk.body, "@SEQ@", tostring(tid or 0) .. "-" .. tostring(seq))
    return wrk.format(nil, nil, nil, body)
end
