-- name: low-source-ports
-- description: Sources that sent packets from a source port under a threshold (service ports answering connections the firewall did not expect), with their TCP flags, first and last seen, and counts.
-- param: since timestamp = -24h   start of the window (inclusive)
-- param: until timestamp = now    end of the window (exclusive)
-- param: host string = ''         only this firewall ('' for all)
-- param: max_port int = 1024      source ports below this
-- param: limit int = 100          at most this many rows
SELECT src, proto, spt,
       array_join(array_agg(DISTINCT array_join(tcp_flags, ' ')), ', ') AS tcp_flags,
       count(*) AS packets,
       min(ts) AS first_seen,
       max(ts) AS last_seen,
       count(DISTINCT dst) AS destinations
FROM firewall
WHERE dt BETWEEN :since_dt AND :until_dt
  AND (dt > :since_dt OR hour >= :since_hour)
  AND (dt < :until_dt OR hour <= :until_hour)
  AND ts >= CAST(:since AS timestamp) AND ts < CAST(:until AS timestamp)
  AND (:host = '' OR host = :host)
  AND direction = 'in'
  AND spt < :max_port
GROUP BY src, proto, spt
ORDER BY first_seen, src
LIMIT :limit
