-- SPDX-License-Identifier: Apache-2.0
-- GET the URL given to wrk (public routes: no token).
dofile(os.getenv("WRK_LUA_DIR") .. "/report.lua")
