-- name: quic
-- description: UDP to port 443 (QUIC, HTTP/3) by destination, with packets, the local sources talking to it and first and last seen.
-- param: since timestamp = -24h   start of the window (inclusive)
-- param: until timestamp = now    end of the window (exclusive)
-- param: host string = ''         only this firewall ('' for all)
-- param: limit int = 50           at most this many destinations
SELECT dst,
       count(*) AS packets,
       count(DISTINCT src) AS sources,
       sum(udp_len) AS udp_bytes,
       min(ts) AS first_seen,
       max(ts) AS last_seen
FROM firewall
WHERE dt BETWEEN :since_dt AND :until_dt
  AND (dt > :since_dt OR hour >= :since_hour)
  AND (dt < :until_dt OR hour <= :until_hour)
  AND ts >= CAST(:since AS timestamp) AND ts < CAST(:until AS timestamp)
  AND (:host = '' OR host = :host)
  AND proto = 'UDP' AND dpt = 443
GROUP BY dst
ORDER BY packets DESC, dst
LIMIT :limit
