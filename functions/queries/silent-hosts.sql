-- name: silent-hosts
-- description: Firewalls that shipped logs during the baseline but nothing in the window: a host that stopped shipping (or whose shipper broke).
-- param: since timestamp = -1h            start of the window that should have lines (inclusive)
-- param: until timestamp = now            end of the window (exclusive)
-- param: baseline_since timestamp = since - 1d   start of the baseline; it ends where the window starts
-- param: limit int = 100                  at most this many hosts
SELECT host,
       max(ts) AS last_seen,
       count(*) AS baseline_lines
FROM firewall
WHERE dt BETWEEN :baseline_since_dt AND :until_dt
  AND (dt > :baseline_since_dt OR hour >= :baseline_since_hour)
  AND (dt < :until_dt OR hour <= :until_hour)
  AND ts >= CAST(:baseline_since AS timestamp) AND ts < CAST(:until AS timestamp)
  AND host IS NOT NULL
GROUP BY host
HAVING max(ts) < CAST(:since AS timestamp)
ORDER BY last_seen, host
LIMIT :limit
