-- SPDX-License-Identifier: Apache-2.0
-- Shared by the bench/wrk scripts: at the end of a run, one JSON line on
-- stdout with requests/s, latency percentiles (microseconds) and errors
-- (non-2xx/3xx answers count in "status"). bench/server.sh parses it.
function done(summary, latency, requests)
    local s = summary.duration / 1e6
    io.write(string.format(
        '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_us": %d, "p90_us": %d, ' ..
        '"p99_us": %d, "max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
        '"status": %d, "timeout": %d}}\n',
        summary.requests, s, summary.requests / s, latency:percentile(50),
        latency:percentile(90), latency:percentile(99), latency.max,
        summary.errors.connect, summary.errors.read, summary.errors.write,
        summary.errors.status, summary.errors.timeout))
end
