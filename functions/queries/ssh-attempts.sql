-- name: ssh-attempts
-- description: Who is knocking on SSH: inbound TCP to port 22 (or another) by source, with connection attempts (SYN without ACK), firewalls and ports touched.
-- param: since timestamp = -24h   start of the window (inclusive)
-- param: until timestamp = now    end of the window (exclusive)
-- param: host string = ''         only this firewall ('' for all)
-- param: port int = 22            the SSH port
-- param: limit int = 50           at most this many sources
SELECT src,
       count(*) AS packets,
       count_if(contains(tcp_flags, 'SYN') AND NOT contains(tcp_flags, 'ACK')) AS attempts,
       count(DISTINCT host) AS firewalls,
       count(DISTINCT dst) AS targets,
       min(ts) AS first_seen,
       max(ts) AS last_seen
FROM firewall
WHERE dt BETWEEN :since_dt AND :until_dt
  AND (dt > :since_dt OR hour >= :since_hour)
  AND (dt < :until_dt OR hour <= :until_hour)
  AND ts >= CAST(:since AS timestamp) AND ts < CAST(:until AS timestamp)
  AND (:host = '' OR host = :host)
  AND direction = 'in' AND proto = 'TCP' AND dpt = :port
GROUP BY src
ORDER BY attempts DESC, packets DESC, src
LIMIT :limit
