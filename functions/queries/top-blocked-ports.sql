-- name: top-blocked-ports
-- description: The destination ports most often hit by inbound packets the firewall logged and did not allow (any action but allow), with the sources behind them.
-- param: since timestamp = -24h   start of the window (inclusive)
-- param: until timestamp = now    end of the window (exclusive)
-- param: host string = ''         only this firewall ('' for all)
-- param: limit int = 20           at most this many ports
SELECT proto, dpt,
       count(*) AS packets,
       count(DISTINCT src) AS sources,
       min(ts) AS first_seen,
       max(ts) AS last_seen
FROM firewall
WHERE dt BETWEEN :since_dt AND :until_dt
  AND (dt > :since_dt OR hour >= :since_hour)
  AND (dt < :until_dt OR hour <= :until_hour)
  AND ts >= CAST(:since AS timestamp) AND ts < CAST(:until AS timestamp)
  AND (:host = '' OR host = :host)
  AND direction = 'in' AND dpt IS NOT NULL
  AND coalesce(action, '') <> 'allow'
GROUP BY proto, dpt
ORDER BY packets DESC, proto, dpt
LIMIT :limit
