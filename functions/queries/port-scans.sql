-- name: port-scans
-- description: Sources that touched at least a number of distinct destination ports, or of destination hosts, within one time window (a port scan or a host sweep).
-- param: since timestamp = -24h   start of the window (inclusive)
-- param: until timestamp = now    end of the window (exclusive)
-- param: host string = ''         only this firewall ('' for all)
-- param: window_minutes int = 10  length of the windows packets are counted in
-- param: min_ports int = 20       distinct destination ports that make a scan
-- param: min_hosts int = 20       distinct destination hosts that make a sweep
-- param: limit int = 50           at most this many rows
SELECT src,
       count(DISTINCT dpt) AS ports,
       count(DISTINCT dst) AS hosts,
       count(*) AS packets,
       min(ts) AS first_seen,
       max(ts) AS last_seen
FROM firewall
WHERE dt BETWEEN :since_dt AND :until_dt
  AND (dt > :since_dt OR hour >= :since_hour)
  AND (dt < :until_dt OR hour <= :until_hour)
  AND ts >= CAST(:since AS timestamp) AND ts < CAST(:until AS timestamp)
  AND (:host = '' OR host = :host)
  AND direction = 'in' AND dpt IS NOT NULL
GROUP BY src, floor(to_unixtime(ts) / (:window_minutes * 60))
HAVING count(DISTINCT dpt) >= :min_ports OR count(DISTINCT dst) >= :min_hosts
ORDER BY ports DESC, hosts DESC, src
LIMIT :limit
