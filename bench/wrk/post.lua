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
