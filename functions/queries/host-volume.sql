-- name: host-volume
-- description: Log lines per firewall per hour, to spot a firewall that stopped shipping (or started shouting).
-- param: since timestamp = -24h   start of the window (inclusive)
-- param: until timestamp = now    end of the window (exclusive)
-- param: host string = ''         only this firewall ('' for all)
-- param: limit int = 1000         at most this many rows
SELECT host, dt, hour,
       count(*) AS lines,
       count(DISTINCT src) AS sources,
       min(ts) AS first_seen,
       max(ts) AS last_seen
FROM firewall
WHERE dt BETWEEN :since_dt AND :until_dt
  AND (dt > :since_dt OR hour >= :since_hour)
  AND (dt < :until_dt OR hour <= :until_hour)
  AND ts >= CAST(:since AS timestamp) AND ts < CAST(:until AS timestamp)
  AND (:host = '' OR host = :host)
GROUP BY host, dt, hour
ORDER BY host, dt, hour
LIMIT :limit
