-- name: low-source-ports-lines
-- description: The original log lines of the packets low-source-ports counts (optionally of one source), oldest first: `egrep " SPT=[0-9]{3} "` without the regex.
-- param: since timestamp = -24h   start of the window (inclusive)
-- param: until timestamp = now    end of the window (exclusive)
-- param: host string = ''         only this firewall ('' for all)
-- param: max_port int = 1024      source ports below this
-- param: src string = ''          only this source address ('' for all)
-- param: limit int = 200          at most this many lines
SELECT ts, host, raw
FROM firewall
WHERE dt BETWEEN :since_dt AND :until_dt
  AND (dt > :since_dt OR hour >= :since_hour)
  AND (dt < :until_dt OR hour <= :until_hour)
  AND ts >= CAST(:since AS timestamp) AND ts < CAST(:until AS timestamp)
  AND (:host = '' OR host = :host)
  AND direction = 'in'
  AND spt < :max_port
  AND (:src = '' OR src = :src)
ORDER BY ts, line_no
LIMIT :limit
