-- name: new-sources
-- description: Sources seen in the window that were not seen in the baseline before it (by default the week before), optionally only those sending from a low source port.
-- param: since timestamp = -24h           start of the window (inclusive)
-- param: until timestamp = now            end of the window (exclusive)
-- param: baseline_since timestamp = since - 7d   start of the baseline; the baseline ends where the window starts
-- param: host string = ''                 only this firewall ('' for all)
-- param: max_port int = 65536             only packets from source ports below this (1024: new low-port sources; 65536 also counts packets without ports)
-- param: limit int = 100                  at most this many sources
WITH seen AS (
  SELECT src, ts, host
  FROM firewall
  WHERE dt BETWEEN :baseline_since_dt AND :until_dt
    AND (dt > :baseline_since_dt OR hour >= :baseline_since_hour)
    AND (dt < :until_dt OR hour <= :until_hour)
    AND ts >= CAST(:baseline_since AS timestamp) AND ts < CAST(:until AS timestamp)
    AND (:host = '' OR host = :host)
    AND src IS NOT NULL
    AND (spt < :max_port OR (spt IS NULL AND :max_port > 65535))
)
SELECT src,
       count(*) AS packets,
       count(DISTINCT host) AS firewalls,
       min(ts) AS first_seen,
       max(ts) AS last_seen
FROM seen
GROUP BY src
HAVING min(ts) >= CAST(:since AS timestamp)
ORDER BY first_seen, src
LIMIT :limit
